-- | Printing a value as a Haskell expression: 'Render' (re-exported by "Hsx.Runtime").
module Hsx.Render where

-- | Prints a value as a Haskell expression that reads back as the same value, so a
-- counterexample can be re-run from its printed form (unlike 'show', which prints NaN and
-- record syntax).  Generated for user data types by the harness.
class Render a where
  renderPrec :: Int -> a -> ShowS
  renderList :: [a] -> ShowS
  renderList xs = showChar '[' . go xs . showChar ']'
    where
      go [] = id
      go [y] = renderPrec 0 y
      go (y : ys) = renderPrec 0 y . showChar ',' . go ys

render :: Render a => a -> String
render x = renderPrec 0 x ""

renderNum :: (Show a, Ord a, Num a) => Int -> a -> ShowS
renderNum d x = showParen (d > 6 && x < 0) (shows x)

instance Render Int where renderPrec = renderNum
instance Render Integer where renderPrec = renderNum
instance Render Word where renderPrec _ = shows
instance Render Bool where renderPrec _ = shows
instance Render () where renderPrec _ = shows
instance Render Ordering where renderPrec _ = shows
instance Render Char where
  renderPrec _ = shows
  renderList = shows
instance Render Double where renderPrec = renderDouble
instance Render Float where renderPrec d x = renderDouble d (realToFrac x)

renderDouble :: Int -> Double -> ShowS
renderDouble d x
  | isNaN x = showString "(0/0)"
  | isInfinite x = showString (if x > 0 then "(1/0)" else "(-1/0)")
  | isNegativeZero x = showString "(-0.0)"
  | otherwise = showParen (d > 6 && x < 0) (shows x)

instance Render a => Render [a] where
  renderPrec _ = renderList

instance Render a => Render (Maybe a) where
  renderPrec _ Nothing = showString "Nothing"
  renderPrec d (Just x) = showParen (d > 10) (showString "Just " . renderPrec 11 x)

instance (Render a, Render b) => Render (Either a b) where
  renderPrec d (Left x) = showParen (d > 10) (showString "Left " . renderPrec 11 x)
  renderPrec d (Right x) = showParen (d > 10) (showString "Right " . renderPrec 11 x)

tuple :: [ShowS] -> ShowS
tuple parts = showChar '(' . foldr1 (\p rest -> p . showChar ',' . rest) parts . showChar ')'

instance (Render a, Render b) => Render (a, b) where
  renderPrec _ (a, b) = tuple [renderPrec 0 a, renderPrec 0 b]
instance (Render a, Render b, Render c) => Render (a, b, c) where
  renderPrec _ (a, b, c) = tuple [renderPrec 0 a, renderPrec 0 b, renderPrec 0 c]
instance (Render a, Render b, Render c, Render d) => Render (a, b, c, d) where
  renderPrec _ (a, b, c, d) = tuple [renderPrec 0 a, renderPrec 0 b, renderPrec 0 c, renderPrec 0 d]
instance (Render a, Render b, Render c, Render d, Render e) => Render (a, b, c, d, e) where
  renderPrec _ (a, b, c, d, e) =
    tuple [renderPrec 0 a, renderPrec 0 b, renderPrec 0 c, renderPrec 0 d, renderPrec 0 e]
