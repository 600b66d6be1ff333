import { Type } from 'typebox';

export const Favourites = Type.Object(
  {
    /** The signed-in user's favourite features in the project, newest first. */
    feature_ids: Type.Array(Type.String()),
  },
  { $id: 'Favourites' },
);
