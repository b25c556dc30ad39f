module AbsNegative where

-- Looks like an absolute value, but the negative branch is off by one:
-- absolute (-3) is 2 here and 3 in a.hs.  Non-negative inputs agree.
absolute :: Int -> Int
absolute n
  | n >= 0    = n
  | otherwise = negate n - 1
