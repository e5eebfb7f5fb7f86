// Placeholder: filled in by the recommendations work (issue 7).
export {};
