module TreeSize where

data Tree = Leaf | Node Tree Int Tree
  deriving (Show, Eq)

-- Number of nodes plus the sum of their labels.
weight :: Tree -> Int
weight Leaf         = 0
weight (Node l x r) = 1 + x + weight l + weight r
