module TreeSize where

data Tree = Leaf | Node Tree Int Tree
  deriving (Show, Eq)

-- Forgets to descend into the right subtree: agrees with a.hs on trees whose
-- right children are all Leaf, differs on e.g. Node Leaf 0 (Node Leaf 0 Leaf).
weight :: Tree -> Int
weight t = count t
  where
    count Leaf         = 0
    count (Node l x _) = 1 + x + count l
