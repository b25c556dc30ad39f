-- | Comparing two values of a result type: 'Same' (re-exported by "Hsx.Runtime").
module Hsx.Same where

-- | Observational equality used to decide a difference.  Exact for every type except floating
-- point, where 'sameDouble' applies.  Generated for user data types by the harness.
class Same a where
  same :: a -> a -> Bool

instance Same Int where same = (==)
instance Same Integer where same = (==)
instance Same Bool where same = (==)
instance Same Char where same = (==)
instance Same () where same = (==)
instance Same Ordering where same = (==)
instance Same Word where same = (==)
instance Same Double where same = sameDouble
instance Same Float where same x y = sameDouble (realToFrac x) (realToFrac y)

instance Same a => Same [a] where
  same [] [] = True
  same (x : xs) (y : ys) = same x y && same xs ys
  same _ _ = False

instance Same a => Same (Maybe a) where
  same Nothing Nothing = True
  same (Just x) (Just y) = same x y
  same _ _ = False

instance (Same a, Same b) => Same (Either a b) where
  same (Left x) (Left y) = same x y
  same (Right x) (Right y) = same x y
  same _ _ = False

instance (Same a, Same b) => Same (a, b) where
  same (a1, b1) (a2, b2) = same a1 a2 && same b1 b2
instance (Same a, Same b, Same c) => Same (a, b, c) where
  same (a1, b1, c1) (a2, b2, c2) = same a1 a2 && same b1 b2 && same c1 c2
instance (Same a, Same b, Same c, Same d) => Same (a, b, c, d) where
  same (a1, b1, c1, d1) (a2, b2, c2, d2) = same a1 a2 && same b1 b2 && same c1 c2 && same d1 d2
instance (Same a, Same b, Same c, Same d, Same e) => Same (a, b, c, d, e) where
  same (a1, b1, c1, d1, e1) (a2, b2, c2, d2, e2) =
    same a1 a2 && same b1 b2 && same c1 c2 && same d1 d2 && same e1 e2

-- | Doubles are equal when both are NaN, when they are equal (so infinities match only
-- themselves), or when they are within a relative tolerance of 1e-9 (absolute 1e-9 near zero).
-- Why a tolerance: rewrites such as re-association change the last bits of a result, and a
-- verifier that called those programs inequivalent would flood self-play with pairs whose only
-- difference is rounding.  The README documents the choice.
sameDouble :: Double -> Double -> Bool
sameDouble x y
  | isNaN x || isNaN y = isNaN x && isNaN y
  | x == y = True
  | isInfinite x || isInfinite y = False
  | otherwise = abs (x - y) <= 1e-9 * maximum [1, abs x, abs y]
