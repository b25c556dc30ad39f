module SumAccumulator where

-- Naive structural recursion.
total :: [Integer] -> Integer
total []       = 0
total (x : xs) = x + total xs
