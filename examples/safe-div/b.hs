module SafeDiv where

-- Forgets the zero case: safeDiv n 0 throws "divide by zero" instead of
-- returning Nothing.  Every other input agrees with a.hs.
safeDiv :: Int -> Int -> Maybe Int
safeDiv n d = Just (n `div` d)
