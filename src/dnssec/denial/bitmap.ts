// The type bitmap codec lives with the other wire formats; denial code imports it from here too.
export { encodeTypeBitmap, decodeTypeBitmap, bitmapHas } from '../../wire/type-bitmap.js';
