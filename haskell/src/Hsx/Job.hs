{-# LANGUAGE ExistentialQuantification #-}
-- | What a harness provides: the 'Job' of one pair (re-exported by "Hsx.Runtime").
module Hsx.Job where

import Data.Functor.Identity (Identity)
import Hsx.Aim (Hints)
import Hsx.Render (Render)
import Hsx.Same (Same)
import Test.QuickCheck (Gen)
import Test.SmallCheck.Series (Series)

-- | Everything the search needs to know about one pair, with the argument tuple type @args@ and
-- the result type @r@ hidden so that a single compiled 'searchJob' serves every pair.
data Job = forall args r. (Same r, Render r) => Job
  { jobArity  :: Int
  , jobGen    :: Gen args                       -- ^ QuickCheck generator (size-driven)
  , jobShrink :: args -> [args]                 -- ^ QuickCheck-style shrinking
  , jobSeries :: Series Identity args           -- ^ SmallCheck series for exhaustive enumeration
  , jobRender :: args -> [String]               -- ^ one Haskell expression per argument
  , jobLeft   :: args -> r                      -- ^ program A's entry
  , jobRight  :: args -> r                      -- ^ program B's entry
  , jobInputs :: [args]                         -- ^ inputs given by the user (check mode)
  , jobAim    :: Hints -> Gen args              -- ^ generators aimed at where programs differ
  , jobHints  :: Hints                          -- ^ constants mined from both programs
  }
