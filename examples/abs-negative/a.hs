module AbsNegative where

-- The textbook absolute value.
absolute :: Int -> Int
absolute n
  | n < 0     = negate n
  | otherwise = n
