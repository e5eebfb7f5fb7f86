export const en = {
  stars: '{n} out of 5 stars',
  write: 'Write a review',
  yourRating: 'Your rating',
  title: 'Title (optional)',
  body: 'Your review',
  maxChars: 'At most {max} characters.',
  name: 'Display name (optional)',
  submit: 'Send review',
  cancel: 'Cancel',
  sending: 'Sending…',
  published: 'Thank you! Your review is published.',
  pending: 'Thank you! Your review will appear once it has been checked.',
  submitError: 'Your review could not be sent.',
  ratingRequired: 'Choose a rating.',
  invalid: 'Check this field.',
};

export type FormMessages = typeof en;
