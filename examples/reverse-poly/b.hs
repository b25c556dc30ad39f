module ReversePoly where

-- Linear reverse with an accumulator; equal to a.hs on every finite list.
rev :: [a] -> [a]
rev xs = go xs []
  where
    go []       acc = acc
    go (y : ys) acc = go ys (y : acc)
