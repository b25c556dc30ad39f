module ReversePoly where

-- Quadratic reverse by appending.
rev :: [a] -> [a]
rev []       = []
rev (x : xs) = rev xs ++ [x]
