module SumAccumulator where

-- Tail-recursive with a strict accumulator; (+) on Integer is associative
-- and commutative, so this agrees with a.hs on every finite list.
total :: [Integer] -> Integer
total = go 0
  where
    go acc []       = acc
    go acc (x : xs) = let acc' = acc + x in acc' `seq` go acc' xs
