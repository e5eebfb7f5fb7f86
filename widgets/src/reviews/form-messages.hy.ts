import type { FormMessages } from './form-messages.en.ts';

const hy: FormMessages = {
  stars: '{n} աստղ 5-ից',
  write: 'Գրել կարծիք',
  yourRating: 'Ձեր գնահատականը',
  title: 'Վերնագիր (ըստ ցանկության)',
  body: 'Ձեր կարծիքը',
  maxChars: 'Առավելագույնը {max} նիշ։',
  name: 'Ցուցադրվող անուն (ըստ ցանկության)',
  submit: 'Ուղարկել կարծիքը',
  cancel: 'Չեղարկել',
  sending: 'Ուղարկվում է…',
  published: 'Շնորհակալություն։ Ձեր կարծիքը հրապարակված է։',
  pending: 'Շնորհակալություն։ Ձեր կարծիքը կհայտնվի ստուգումից հետո։',
  submitError: 'Չհաջողվեց ուղարկել կարծիքը։',
  ratingRequired: 'Ընտրեք գնահատական։',
  invalid: 'Ստուգեք այս դաշտը։',
};

export default hy;
