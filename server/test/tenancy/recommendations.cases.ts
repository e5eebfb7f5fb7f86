import type { TenancyCases } from './types.ts';

/** Placeholder (issue 7). */
export const recommendationsCases: TenancyCases = () => ({});
