-- | The part of hsx that runs inside the interpreter, next to the two programs being compared.
--
-- hsx (Python) writes a harness module per pair that builds a 'Job': how to generate, enumerate,
-- shrink and render the entry's arguments, and how to call each side.  The helper executable
-- interprets that harness and hands the 'Job' to 'searchJob' or 'checkJob', which are compiled
-- code.  Everything here is about one question: is there an input on which the two sides
-- observably differ?
--
-- Rules that make a reported difference trustworthy (see the README's verdict table):
--
-- * a side's outcome is a fully forced value, an exception, a timeout, or a resource limit;
-- * two values differ when 'same' says so; a value against an exception is a difference;
-- * two exceptions are never a difference (their messages may legitimately differ);
-- * a timeout or resource limit is never a difference, only a "possible divergence".
--
-- This module is the interface; each concern has its own module: "Hsx.Job" (what a harness
-- provides), "Hsx.Same" (comparing values), "Hsx.Render" (printing them), "Hsx.Aim" (aimed
-- generators), "Hsx.Side" (running one side, the comparison rule above) and "Hsx.Search" (the
-- search, check and sample loops).
module Hsx.Runtime
  ( -- * What a harness provides
    Job (..)
    -- * Comparing and printing values
  , Same (..)
  , Render (..)
  , render
    -- * Aimed generators
  , Hints (..)
  , Focus (..)
  , Aim (..)
  , aimField
  , aimSized
  , aimBounded
  , renderNum
    -- * Outcomes and search (for the helper executable)
  , Outcome (..)
  , Limits (..)
  , Report (..)
  , searchJob
  , checkJob
  , sampleJob
  ) where

import Hsx.Aim (Aim (..), Focus (..), Hints (..), aimBounded, aimField, aimSized)
import Hsx.Job (Job (..))
import Hsx.Render (Render (..), render, renderNum)
import Hsx.Same (Same (..))
import Hsx.Search (Report (..), checkJob, sampleJob, searchJob)
import Hsx.Side (Limits (..), Outcome (..))
