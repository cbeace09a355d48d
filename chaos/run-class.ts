/**
 * Runs one fault or input class against its own fresh stack: start it, warm it up and take the
 * baseline, run the class body, run the after-class checks, tear everything down.
 */
import type { Profile } from './profile.js';
import { CaseRecorder, type ClassResult } from './report/class-result.js';
import { checkAfterClass, takeBaseline } from './stack/after-class.js';
import { ChaosStack, type StackOptions } from './stack/chaos-stack.js';

export interface ClassContext {
  readonly stack: ChaosStack;
  readonly recorder: CaseRecorder;
  readonly profile: Profile;
}

/** A fault or input class: its table name and how it runs. */
export interface ChaosClass {
  readonly name: string;
  /** True when the class needs the WebSocket endpoint. */
  readonly websocket?: boolean;
  run(profile: Profile): Promise<ClassResult>;
}

export async function runClass(
  name: string,
  profile: Profile,
  stackOptions: StackOptions,
  body: (context: ClassContext) => Promise<void>,
  /** Runs before the baseline is taken (a class whose fault is in place at start, like Redis down). */
  prelude?: (context: ClassContext) => Promise<void>,
): Promise<ClassResult> {
  const recorder = new CaseRecorder(name);
  let stack: ChaosStack | undefined;
  try {
    stack = await ChaosStack.start(stackOptions);
    if (prelude) await prelude({ stack, recorder, profile });
    const baseline = await takeBaseline(stack);
    try {
      await body({ stack, recorder, profile });
    } catch (error) {
      recorder.check('class body ran to the end', `threw: ${(error as Error).stack ?? String(error)}`);
    }
    await checkAfterClass(stack, baseline, recorder);
  } catch (error) {
    recorder.check('stack started and checked', `threw: ${(error as Error).stack ?? String(error)}`);
  } finally {
    await stack?.destroy().catch(() => undefined);
  }
  return recorder.result();
}
