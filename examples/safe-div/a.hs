module SafeDiv where

-- Division that reports a zero divisor as Nothing.
safeDiv :: Int -> Int -> Maybe Int
safeDiv _ 0 = Nothing
safeDiv n d = Just (n `div` d)
