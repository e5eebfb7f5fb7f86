/** The English strings <loyalty-badge> needs, bundled with it (the panel's come with the panel). */
export const badgeEn = {
  loading: 'Loading points…',
  error: 'Points could not be loaded.',
  points: '{count} points',
  toNext: '{count} points to {tier}',
  spendToNext: 'Spend {amount} more for {tier}',
  topTier: 'Top tier',
  join: 'Join {program}',
  joinHint: 'Collect points and rewards',
  close: 'Close',
};
