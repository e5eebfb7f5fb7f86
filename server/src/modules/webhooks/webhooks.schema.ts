import '../../builder.ts';
