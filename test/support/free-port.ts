// The helper lives in the shared kit (tests, chaos, bench); this path keeps existing imports working.
export { freePort } from '../../kit/free-port.js';
