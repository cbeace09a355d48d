/** Asymmetric matchers typed as the value they stand for, so a `toEqual` shape stays typed. */
import { expect } from 'vitest';

/** `expect.stringContaining(text)` inside an expected object; vitest types the matcher as `any`. */
export function stringContaining(text: string): string {
  return expect.stringContaining(text) as string;
}
