"""Lemma discovery and the induction schemes for inductive properties (hsx/proof/evaluate.py,
discovery.py, induction.py, explore.py, auto.py).

The first tests need no prover: the evaluator against hand-computed values, the conjectures
theory exploration finds, the shapes of the induction schemes, and how a batch run's errors are
attributed to candidates.  Tests marked `liquid` run the real Liquid Haskell.
"""

import re

import pytest

from hsx.config import load_config
from hsx.haskell.source import parse_source
from hsx.proof import explore
from hsx.proof.discovery import conjectures, reachable, relevant
from hsx.proof.evaluate import Con, Evaluator
from hsx.proof.induction import theorem_candidates, theorem_goal
from hsx.proof.instances import with_lemma_calls
from hsx.proof.lhmodule import PROOF_MARKER
from hsx.proof.liquid import LhOutcome
from hsx.proof import prover as prover_module
from hsx.proof.policy import check_proof_text
from hsx.proof.prover import Checker
from hsx.proof.rewriting import Rules
from hsx.proof.stage import assemble
from hsx.verdict import Verdict

NAT = "data Nat = Z | S Nat\n\n"
PLUS = "plus :: Nat -> Nat -> Nat\nplus Z m = m\nplus (S n) m = S (plus n m)\n\n"
MINUS = "minus :: Nat -> Nat -> Nat\nminus Z _ = Z\nminus (S n) Z = S n\nminus (S n) (S m) = minus n m\n\n"
APP = "app :: [Int] -> [Int] -> [Int]\napp [] ys = ys\napp (x : xs) ys = x : app xs ys\n\n"
REV = APP + "rev :: [Int] -> [Int]\nrev [] = []\nrev (x : xs) = app (rev xs) [x]\n\n"
TAKE = ("takeN :: Nat -> [Int] -> [Int]\ntakeN Z _ = []\ntakeN (S _) [] = []\n"
        "takeN (S n) (x : xs) = x : takeN n xs\n\n")
DROP = ("dropN :: Nat -> [Int] -> [Int]\ndropN Z xs = xs\ndropN (S _) [] = []\n"
        "dropN (S n) (_ : xs) = dropN n xs\n\n")

PLUS_COMM = (NAT + PLUS + "comm :: Nat -> Nat -> Nat\ncomm a b = plus a b\n",
             NAT + PLUS + "comm :: Nat -> Nat -> Nat\ncomm a b = plus b a\n")
MINUS_MINUS = (NAT + MINUS + PLUS + "mm :: Nat -> Nat -> Nat -> Nat\nmm i j k = minus (minus i j) k\n",
               NAT + MINUS + PLUS + "mm :: Nat -> Nat -> Nat -> Nat\nmm i j k = minus i (plus j k)\n")
TAKE_DROP = (NAT + APP + TAKE + DROP + "td :: Nat -> [Int] -> [Int]\ntd n xs = app (takeN n xs) (dropN n xs)\n",
             NAT + "td :: Nat -> [Int] -> [Int]\ntd n xs = xs\n")
REV_REV = (REV + "rr :: [Int] -> [Int]\nrr xs = rev (rev xs)\n", "rr :: [Int] -> [Int]\nrr xs = xs\n")
EQN = ("eqN :: Nat -> Nat -> Bool\neqN Z Z = True\neqN Z (S _) = False\neqN (S _) Z = False\n"
       "eqN (S n) (S m) = eqN n m\n\n")
COUNT = EQN + ("countN :: Nat -> [Nat] -> Nat\ncountN _ [] = Z\n"
               "countN n (x : xs) = if eqN n x then S (countN n xs) else countN n xs\n\n")
APPN = "appN :: [Nat] -> [Nat] -> [Nat]\nappN [] ys = ys\nappN (x : xs) ys = x : appN xs ys\n\n"
COUNT_APP = (NAT + PLUS + COUNT + "ca :: Nat -> [Nat] -> [Nat] -> Nat\nca n xs ys = plus (countN n xs) (countN n ys)\n",
             NAT + COUNT + APPN + "ca :: Nat -> [Nat] -> [Nat] -> Nat\nca n xs ys = countN n (appN xs ys)\n")
COUNT_SNOC = (NAT + COUNT + APPN + "cs :: Nat -> [Nat] -> Nat\ncs n xs = countN n (appN xs [n])\n",
              NAT + COUNT + "cs :: Nat -> [Nat] -> Nat\ncs n xs = S (countN n xs)\n")
MAXN = "maxN :: Nat -> Nat -> Nat\nmaxN Z m = m\nmaxN (S n) Z = S n\nmaxN (S n) (S m) = S (maxN n m)\n\n"
BUTLAST = "butlast :: [Int] -> [Int]\nbutlast [] = []\nbutlast [_] = []\nbutlast (x : y : ys) = x : butlast (y : ys)\n\n"
BUTLAST_SNOC = (BUTLAST + APP + "bs :: [Int] -> Int -> [Int]\nbs xs x = butlast (app xs [x])\n",
                "bs :: [Int] -> Int -> [Int]\nbs xs x = xs\n")
SUMN = "sumN :: [Nat] -> Nat\nsumN [] = Z\nsumN (x : xs) = plus x (sumN xs)\n\n"
SUM_APP = (NAT + PLUS + SUMN + APPN + "sa :: [Nat] -> [Nat] -> Nat\nsa xs ys = sumN (appN xs ys)\n",
           NAT + PLUS + SUMN + "sa :: [Nat] -> [Nat] -> Nat\nsa xs ys = plus (sumN xs) (sumN ys)\n")
PLUS_ACC = (NAT + PLUS + "pa :: Nat -> Nat -> Nat\npa a b = plus a b\n",
            NAT + "plusAcc :: Nat -> Nat -> Nat\nplusAcc Z m = m\nplusAcc (S n) m = plusAcc n (S m)\n\n"
            "pa :: Nat -> Nat -> Nat\npa a b = plusAcc a b\n")
MULT = "mult :: Nat -> Nat -> Nat\nmult Z _ = Z\nmult (S n) m = plus m (mult n m)\n\n"
MULT_COMM = (NAT + PLUS + MULT + "mc :: Nat -> Nat -> Nat\nmc a b = mult a b\n",
             NAT + PLUS + MULT + "mc :: Nat -> Nat -> Nat\nmc a b = mult b a\n")
LENGTHN = "lengthN :: [Int] -> Nat\nlengthN [] = Z\nlengthN (_ : xs) = S (lengthN xs)\n\n"
LEN_REV = (NAT + REV + LENGTHN + "lr :: [Int] -> Nat\nlr xs = lengthN (rev xs)\n",
           NAT + LENGTHN + "lr :: [Int] -> Nat\nlr xs = lengthN xs\n")
COUNT_APP_CONS = (NAT + COUNT + APPN + "cc :: Nat -> [Nat] -> [Nat] -> Nat\ncc n xs ys = countN n (appN xs (n : ys))\n",
                  NAT + COUNT + APPN + "cc :: Nat -> [Nat] -> [Nat] -> Nat\ncc n xs ys = S (countN n (appN xs ys))\n")
TREE = "data Tree = Leaf | Node Tree Nat Tree\n\n"
MIRROR = "mirror :: Tree -> Tree\nmirror Leaf = Leaf\nmirror (Node l x r) = Node (mirror r) x (mirror l)\n\n"
SIZE_MIRROR = (NAT + TREE + PLUS + MIRROR + "sizeT :: Tree -> Nat\nsizeT Leaf = Z\n"
               "sizeT (Node l _ r) = S (plus (sizeT l) (sizeT r))\n\nsm :: Tree -> Nat\nsm t = sizeT (mirror t)\n",
               NAT + TREE + PLUS + "sizeT :: Tree -> Nat\nsizeT Leaf = Z\n"
               "sizeT (Node l _ r) = S (plus (sizeT l) (sizeT r))\n\nsm :: Tree -> Nat\nsm t = sizeT t\n")
QREV = "qrev :: [Int] -> [Int] -> [Int]\nqrev [] acc = acc\nqrev (x : xs) acc = qrev xs (x : acc)\n\n"
LEN_QREV = (NAT + LENGTHN + QREV + "lq :: [Int] -> Nat\nlq xs = lengthN (qrev xs [])\n",
            NAT + LENGTHN + "lq :: [Int] -> Nat\nlq xs = lengthN xs\n")
LT = "lt :: Nat -> Nat -> Bool\nlt _ Z = False\nlt Z (S _) = True\nlt (S n) (S m) = lt n m\n\n"
ISORT = LT + ("ins :: Nat -> [Nat] -> [Nat]\nins n [] = [n]\n"
              "ins n (x : xs) = if lt n x then n : x : xs else x : ins n xs\n\n"
              "isort :: [Nat] -> [Nat]\nisort [] = []\nisort (x : xs) = ins x (isort xs)\n\n")
COUNT_SORT = (NAT + COUNT + "ct :: Nat -> [Nat] -> Nat\nct n ns = countN n ns\n",
              NAT + COUNT + ISORT + "ct :: Nat -> [Nat] -> Nat\nct n ns = countN n (isort ns)\n")
MAX_ASSOC = (NAT + MAXN + "ma :: Nat -> Nat -> Nat -> Nat\nma a b c = maxN (maxN a b) c\n",
             NAT + MAXN + "ma :: Nat -> Nat -> Nat -> Nat\nma a b c = maxN a (maxN b c)\n")


def _types(src: str) -> dict[str, str]:
    return {ln.split(" :: ")[0]: ln.split(" :: ")[1] for ln in src.splitlines() if " :: " in ln}


def _checker(prover, config) -> Checker:
    return Checker(prover, config.proof, config.sandbox, config.toolchain.cache_dir)


def module(a: str, b: str, entry: str):
    """hsx's theorem module for a pair whose functions all have signatures (no GHC needed)."""
    shared = {"Nat"} if "data Nat" in a and "data Nat" in b else set()
    return assemble(parse_source(a, "A.hs"), parse_source(b, "B.hs"), entry, entry, _types(a), _types(b),
                    shared, "A.hs", "B.hs")


def test_evaluator_runs_the_reflected_definitions():
    lh = module(*TAKE_DROP, "td")
    ev = Evaluator(lh)
    two = Con("S", (Con("S", (Con("Z"),)),))
    assert ev.apply("takeN", (two, (1, 2, 3))) == (1, 2)
    assert ev.apply("dropN", (two, (1, 2, 3))) == (3,)
    assert ev.apply(lh.entry_a, (two, (5, 6, 7))) == (5, 6, 7)
    lh = module(*MINUS_MINUS, "mm")
    assert Evaluator(lh).apply("minus", (two, Con("S", (Con("Z"),)))) == Con("S", (Con("Z"),))


def test_theory_exploration_conjectures_the_lemmas_textbook_proofs_need():
    lh = module(*PLUS_COMM, "comm")
    found = [c.text() for c in relevant(conjectures(lh), reachable(lh, [lh.entry_a, lh.entry_b]), 12)]
    assert "plus hsxV1 Z == hsxV1" in found
    assert "plus hsxV1 (S hsxV2) == S (plus hsxV1 hsxV2)" in found
    # Instances of a more general conjecture are pruned: `plus n (S Z) == S n` follows.
    assert "plus hsxV1 (S Z) == S hsxV1" not in found
    # Three variables per type, and associativity kept although commutativity and
    # left-commutativity join its sides: a rewrite-rule prover needs it stated.
    assert "plus (plus hsxV1 hsxV2) hsxV3 == plus hsxV1 (plus hsxV2 hsxV3)" in found
    lh = module(*REV_REV, "rr")
    found = [c.text() for c in conjectures(lh)]
    assert "rev (app hsxV4 (hsxV1 : [])) == hsxV1 : (rev hsxV4)" in found
    # Only true equations: every conjecture holds on the evaluator's own fresh inputs too.
    assert all("rev hsxV4 == hsxV4" not in c for c in found)


def test_conjectures_hold_on_fresh_inputs_where_values_meet():
    """Small values (numbers 0 to 4, short lists of them) make two variables meet often, so a
    conjecture true only while they never do (`eqN (S x) y == False`, or about the count of one
    list's length in another) is not made: every conjecture holds on 300 fresh inputs."""
    import random

    from hsx.proof.samples import Values, evaluate

    lh = module(NAT + COUNT + APPN + "cr :: Nat -> [Nat] -> Nat\ncr n ns = countN n (appN ns ns)\n",
                NAT + COUNT + APPN + "cr :: Nat -> [Nat] -> Nat\ncr n ns = countN n (appN ns ns)\n", "cr")
    found = conjectures(lh)
    texts = [c.text() for c in found]
    assert "eqN hsxV2 hsxV1 == eqN hsxV1 hsxV2" in texts
    assert "countN hsxV1 (appN hsxV5 hsxV4) == countN hsxV1 (appN hsxV4 hsxV5)" in texts
    ev, gen = Evaluator(lh, fuel=2000), Values(lh, random.Random(12345))
    for c in found:
        for k in range(300):
            env = {v: gen.sample(t, k) for v, t in c.types}
            assert evaluate(lh, ev, c.lhs.tree, env) == evaluate(lh, ev, c.rhs.tree, env), (c.text(), env)


def test_induction_steps_split_on_what_the_unfolded_statement_tests():
    lh = module(*COUNT_APP_CONS, "cc")
    by_name = dict(theorem_candidates(lh, "hsxInd", "equiv"))
    step = by_name["functional induction following appN (x2, x3)"]
    assert "hsxInd x1 (x : xs) ys = if eqN x1 x then (hsxInd x1 xs ys) else (hsxInd x1 xs ys)" in step


def test_case_splits_reach_what_the_same_function_tests_one_step_further():
    """`countN n (x : y : ys)` tests `eqN n x`, then `eqN n y`: the step of
    `countN n (ins x xs) == countN n (x : xs)` splits on both (and on `lt x y`, from ins)."""
    lh = module(*COUNT_SORT, "ct")
    c = next(c for c in explore._conjectures(lh) if c.text().startswith("countN hsxV1 (ins hsxV2 hsxV4) =="))
    step = next(p for p in explore.lemma_proofs(lh, c, "L") if "/ [len hsxV4]" in p).splitlines()[-1]
    for test in ("eqN hsxV1 hsxV2", "eqN hsxV1 hsxH2", "lt hsxV2 hsxH2"):
        assert f"if {test} then" in step, step


def test_generalised_induction_calls_the_hypothesis_at_the_other_variables_too():
    """The step for x : xs of `lengthN (qrev xs (y : ys)) == S (lengthN (qrev xs ys))` needs
    the hypothesis at (x, y : ys), (y, ys) and (x, ys): the other variables take the case's
    fields and conses of them, in every combination."""
    from hsx.proof.induction import generalised

    lh = module(*LEN_QREV, "lq")
    c = next(c for c in explore._conjectures(lh) if c.text().startswith("lengthN (qrev hsxV7 (hsxV1 : hsxV8)) =="))
    text = generalised(lh, explore._goal(lh, c, "L"), 1)
    step = text.splitlines()[-1]
    assert step.startswith("L hsxV1 (hsxH1 : hsxT1) hsxV8 = ")
    for call in ("L hsxH1 hsxT1 (hsxV1 : hsxV8)", "L hsxV1 hsxT1 hsxV8", "L hsxH1 hsxT1 hsxV8"):
        assert call in step, step
    assert generalised(lh, explore._goal(lh, c, "L"), 1).count("&&&") <= 8  # at most 9 hypotheses


def test_the_module_reads_the_list_constructor_in_refinements():
    """Liquid Haskell's parser reads `y : ys` in a refinement as a cast unless `:` is declared
    infix; lemmas such as `lengthN (qrev xs (y : ys)) == ..` need it."""
    assert "{-@ infixr 5 : @-}" in module(*LEN_QREV, "lq").text


def test_special_cases_of_conditional_laws_come_last():
    """`maxN (S n) n == S n` is an instance of `maxN a b == a` when `b <= a`: tried after every
    other conjecture, so it does not crowd out the laws (commutativity, associativity)."""
    lh = module(NAT + MAXN + "mm :: Nat -> Nat -> Nat\nmm a b = maxN a b\n",
                NAT + MAXN + "mm :: Nat -> Nat -> Nat\nmm a b = maxN b a\n", "mm")
    found = conjectures(lh)
    texts = [c.text() for c in found]
    assert "maxN (S hsxV1) hsxV1 == S hsxV1" in texts
    ranked = [c.text() for c in relevant(found, {"maxN"}, 50)]
    special = ranked.index("maxN (S hsxV1) hsxV1 == S hsxV1")
    assert ranked.index("maxN hsxV2 hsxV1 == maxN hsxV1 hsxV2") < special
    assert ranked.index("maxN (maxN hsxV1 hsxV2) hsxV3 == maxN hsxV1 (maxN hsxV2 hsxV3)") < special
    assert "maxN hsxV1 hsxV1 == hsxV1" in ranked[:special]  # a repeated variable alone is no special case


def test_pruning_keeps_associativity_and_drops_instances():
    def plus(a, b):
        return ("plus", a, b)
    x, y, z = ("hsxV1",), ("hsxV2",), ("hsxV3",)
    rules = Rules()
    assert not rules.redundant(plus(y, x), plus(x, y))  # commutativity
    assert not rules.redundant(plus(y, plus(x, z)), plus(x, plus(y, z)))  # left-commutativity
    # Joined by the two permutative rules alone: kept.
    assert not rules.redundant(plus(plus(x, y), z), plus(x, plus(y, z)))
    # An instance of commutativity, and a consequence through a plain rule: dropped.
    assert rules.redundant(plus(("mult", x, y), z), plus(z, ("mult", x, y)))
    assert not rules.redundant(plus(x, ("S", y)), ("S", plus(x, y)))
    assert rules.redundant(plus(y, ("S", x)), ("S", plus(x, y)))


def test_induction_schemes_follow_the_recursion_on_two_arguments():
    lh = module(*MINUS_MINUS, "mm")
    by_name = dict(theorem_candidates(lh, "hsxInd", "equiv"))
    lockstep = by_name["functional induction following minus (x1, x2)"]
    assert "hsxInd (S n) (S m) x3 = hsxInd n m x3" in lockstep
    assert "/ [hsxSizeNat_hsx x1]" in lockstep
    nested = by_name["nested induction on x1, x2"]
    assert "/ [hsxSizeNat_hsx x1, hsxSizeNat_hsx x2]" in nested  # lexicographic
    for text in by_name.values():
        assert check_proof_text(text, protected_names=lh.protected_names) == []
    g = theorem_goal(lh, "hsxInd")
    assert g.statement == "{ mm_hsx x1 x2 x3 == mm_b x1 x2 x3 }" or "mm" in g.statement


def test_termination_metric_is_the_argument_the_recursion_takes_apart():
    # countN recurses on its list, not on the Nat it compares with: a size metric on the first
    # argument would make Liquid Haskell reject countN, and with it every proof about it.
    lh = module(*COUNT_APP, "ca")
    text = lh.with_proof("equiv x1 x2 x3 = ()")
    assert "{-@ countN :: y1:Nat_hsx -> y2:[Nat_hsx] -> Nat_hsx / [len y2] @-}" in text
    assert "{-@ eqN :: y1:Nat_hsx -> y2:Nat_hsx -> Bool / [hsxSizeNat_hsx y1] @-}" in text


def test_helpers_both_programs_define_alike_are_one_function():
    """B's countN and eqN are A's, token for token: the module has one copy, so no lemma has to
    show that two copies agree.  A helper that calls a differing one keeps its own copy."""
    lh = module(*COUNT_APP, "ca")
    assert "countN_b" not in lh.text and "eqN_b" not in lh.text
    assert "ca_b n xs ys = countN n (appN xs ys)" in lh.text
    differing = (COUNT_APP[0], COUNT_APP[1].replace("eqN (S n) (S m) = eqN n m", "eqN (S n) (S m) = eqN m n"))
    lh = module(*differing, "ca")
    assert "eqN_b" in lh.text and "countN_b n (x : xs) = if eqN_b n x" in lh.text


def test_induction_steps_split_on_what_the_definitions_test():
    """The step of an induction over `countN n (x : xs)` splits on `eqN n x`: PLE unfolds an
    `if` only where its condition is known, and the proof's own `if` makes it known."""
    lh = module(*COUNT_APP, "ca")
    by_name = dict(theorem_candidates(lh, "hsxInd", "equiv"))
    step = by_name["functional induction following appN (x2, x3)"]
    assert "hsxInd x1 (x : xs) ys = if eqN x1 x then (hsxInd x1 xs ys) else (hsxInd x1 xs ys)" in step
    for text in by_name.values():
        assert check_proof_text(text, protected_names=lh.protected_names) == []


def test_a_function_that_takes_its_argument_apart_deeply_gives_an_induction_scheme():
    """butlast's recursion, from `x : y : ys` to `y : ys`, shapes the induction on xs although
    the theorem applies butlast to `app xs [x]`, not to xs."""
    lh = module(*BUTLAST_SNOC, "bs")
    by_name = dict(theorem_candidates(lh, "hsxInd", "equiv"))
    text = by_name["functional induction following butlast (x1)"]
    assert "hsxInd [_] x2 = ()" in text
    assert "hsxInd (x : y : ys) x2 = hsxInd (y : ys) x2" in text
    assert "/ [len x1]" in text  # `y : ys` is part of the pattern: smaller


def test_nested_induction_on_three_variables():
    lh = module(*MAX_ASSOC, "ma")
    text = dict(theorem_candidates(lh, "hsxInd", "equiv"))["nested induction on x1, x2, x3"]
    assert "/ [hsxSizeNat_hsx x1, hsxSizeNat_hsx x2, hsxSizeNat_hsx x3]" in text
    # The case where all three are successors has the hypothesis at all three predecessors.
    step = next(ln for ln in text.splitlines() if ln.startswith("hsxInd (S hsxF0_1) (S hsxF1_1) (S hsxF2_1) ="))
    assert "hsxInd hsxF0_1 hsxF1_1 hsxF2_1" in step
    assert check_proof_text(text, protected_names=lh.protected_names) == []


def test_discovered_lemmas_are_also_called_at_the_variables():
    """`eqN x x == True` repeats a variable, so Liquid Haskell never uses it as a rewrite rule:
    the lemma is called at each equation's variables of its type, inside each branch."""
    lib = ("{-@ rewrite hsxLemma1 @-}\n"
           "{-@ hsxLemma1 :: hsxV1:Nat_hsx -> { (eqN hsxV1 hsxV1) == (True) } / [hsxSizeNat_hsx hsxV1] @-}\n"
           "hsxLemma1 :: Nat_hsx -> Proof\nhsxLemma1 Z = ()\nhsxLemma1 (S n) = hsxLemma1 n")
    cand = ("{-@ hsxInd :: x1:Nat_hsx -> x2:[Nat_hsx] -> { cs x1 x2 == cs_b x1 x2 } / [len x2] @-}\n"
            "hsxInd :: Nat_hsx -> [Nat_hsx] -> Proof\nhsxInd x1 [] = ()\n"
            "hsxInd x1 (hsxY : hsxYs) = if eqN x1 hsxY then (hsxInd x1 hsxYs) else (hsxInd x1 hsxYs)\n"
            "equiv x1 x2 = hsxInd x1 x2")
    out = with_lemma_calls(cand, lib).split("\n")
    assert "hsxInd x1 [] = hsxLemma1 x1" in out
    # The variables inside a pattern count too: hsxY is an element of the [Nat_hsx] argument.
    assert ("hsxInd x1 (hsxY : hsxYs) = if eqN x1 hsxY then (hsxLemma1 x1 &&& hsxLemma1 hsxY &&& (hsxInd x1 hsxYs)) "
            "else (hsxLemma1 x1 &&& hsxLemma1 hsxY &&& (hsxInd x1 hsxYs))") in out
    assert "equiv x1 x2 = hsxInd x1 x2" in out  # the theorem's own signature is the module's


def test_lemma_calls_reach_the_variables_inside_constructor_patterns():
    """`plusAcc (S n) m = plusAcc n (S m)` needs `plus n (S m) == S (plus n m)` at n and m:
    n is typed through the constructor's field, and distinct variables come first."""
    lh = module(*PLUS_ACC, "pa")
    lib = ("{-@ hsxLemma3 :: hsxV1:Nat_hsx -> hsxV2:Nat_hsx -> { (plus hsxV1 (S hsxV2)) == (S (plus hsxV1 hsxV2)) } @-}\n"
           "hsxLemma3 :: Nat_hsx -> Nat_hsx -> Proof")
    cand = ("{-@ hsxL :: a:Nat_hsx -> b:Nat_hsx -> { plusAcc a b == plus a b } @-}\n"
            "hsxL :: Nat_hsx -> Nat_hsx -> Proof\nhsxL Z m = ()\nhsxL (S n) m = hsxL n (S m)")
    out = with_lemma_calls(cand, lib, lh).split("\n")
    step = next(ln for ln in out if ln.startswith("hsxL (S n) m = "))
    assert "hsxLemma3 n m" in step and step.endswith("&&& (hsxL n (S m))")
    assert "hsxL Z m = hsxLemma3 m m" in out


def test_lemma_calls_at_the_terms_of_the_unfolded_case():
    """In the step of `plus a (mult a b) == mult a (S b)`, unfolding and the hypothesis at
    (n, b) give `plus b (plus n (mult n b))`, where left-commutativity applies: the call names
    that term, which no variable of the case can."""
    mult = "mult :: Nat -> Nat -> Nat\nmult Z _ = Z\nmult (S n) m = plus m (mult n m)\n\n"
    lh = module(NAT + PLUS + mult + "e :: Nat -> Nat -> Nat\ne a b = plus a (mult a b)\n",
                NAT + PLUS + mult + "e :: Nat -> Nat -> Nat\ne a b = mult a (S b)\n", "e")
    lib = ("{-@ hsxLemma10 :: hsxV1:Nat_hsx -> hsxV2:Nat_hsx -> hsxV3:Nat_hsx -> "
           "{ (plus hsxV2 (plus hsxV1 hsxV3)) == (plus hsxV1 (plus hsxV2 hsxV3)) } @-}\n"
           "hsxLemma10 :: Nat_hsx -> Nat_hsx -> Nat_hsx -> Proof")
    cand = ("{-@ hsxL :: a:Nat_hsx -> b:Nat_hsx -> { (plus a (mult a b)) == (mult a (S b)) } @-}\n"
            "hsxL :: Nat_hsx -> Nat_hsx -> Proof\nhsxL Z b = ()\nhsxL (S n) b = hsxL n b")
    step = next(ln for ln in with_lemma_calls(cand, lib, lh).split("\n") if ln.startswith("hsxL (S n) b = "))
    assert "hsxLemma10 n b (mult n b)" in step


def test_lemma_proofs_of_a_conjecture_pass_the_policy():
    lh = module(*PLUS_COMM, "comm")
    c = next(c for c in conjectures(lh) if c.text() == "plus hsxV1 (S hsxV2) == S (plus hsxV1 hsxV2)")
    proofs = explore.lemma_proofs(lh, c, "hsxLemma0")
    assert any("hsxLemma0 (S hsxF0_1) hsxV2 = hsxLemma0 hsxF0_1 hsxV2" in p for p in proofs)
    for p in proofs:
        assert check_proof_text(p, protected_names=lh.protected_names) == []


def test_a_batch_accepts_the_candidates_without_errors_and_splits_unattributable_failures(monkeypatch):
    """Errors at a candidate's lines reject that candidate only; an error that names no line
    (a specification error) splits the batch until it is alone."""
    lh = module(*PLUS_COMM, "comm")
    runs = []

    def fake(prover, text, *, proof, limits, cache_dir, line_map):
        lines = text.split(PROOF_MARKER + "\n", 1)[1].split("\n")
        runs.append(lines)
        if any(ln.startswith("spec") for ln in lines):
            return LhOutcome("spec-error", message="Cannot parse specification")
        errs = tuple(("PROOF.hs", i) for i, ln in enumerate(lines, 1) if ln.startswith("bad"))
        return LhOutcome("proof-failed", locations=errs) if errs else LhOutcome("proved")

    monkeypatch.setattr(prover_module, "run_prover", fake)
    blocks = [explore.Block("a", "good1 = ()"), explore.Block("b", "ok = ()\nbad2 = ()"),
              explore.Block("c", "good3 = ()"), explore.Block("d", "spec1 = ()")]
    config = load_config()
    checker = Checker(None, config.proof, config.sandbox, config.toolchain.cache_dir)
    res = explore.check_batch(lh, checker, "", blocks, timeout=100)
    assert res.proved == {"a", "c"}
    assert res.runs == len(runs) == 5  # all four; halves {a, b} and {c, d}; then c and d alone


@pytest.mark.liquid
@pytest.mark.parametrize("name,pair,entry,template", [
    ("lock-step", MINUS_MINUS, "mm", "functional induction following minus"),
    ("take-drop", TAKE_DROP, "td", "induction"),
    # One copy of the helpers both programs define alike; the induction splits on eqN.
    ("count over append: split steps", COUNT_APP, "ca", "induction"),
    ("max associativity: three variables at once", MAX_ASSOC, "ma", "nested induction on x1, x2, x3"),
    # once needed `eqN x x == True`, discovered and called; since the steps split on what
    # countN tests one step further (eqN n y after eqN n x), nested induction needs no lemma
    ("count after a snoc: splits one step further", COUNT_SNOC, "cs", "nested induction"),
    ("butlast of a snoc: the scheme of a deep pattern", BUTLAST_SNOC, "bs", "following butlast"),
    # needs associativity of plus: three variables of one type in the conjectures
    ("sum over append: associativity discovered", SUM_APP, "sa", "discovered"),
    # the accumulator's step needs `plus n (S m) == S (plus n m)` called at the pattern's n
    # (in the theorem's proof following plusAcc, or in the discovered lemma that restates it)
    ("plus against an accumulating plus", PLUS_ACC, "pa", "discovered"),
    # with associativity of append called at xs Liquid Haskell fails; the template without the
    # calls passes beside the discovered rules
    ("length of a reverse", LEN_REV, "lr", "discovered"),
    # three rounds of discovered lemmas; the last needs left-commutativity at an unfolded term
    ("multiplication commutes", MULT_COMM, "mc", "discovered"),
    # the step splits on `eqN n y`, which countN tests only once appN has given it a cons
    ("count over append with a cons: split after unfolding", COUNT_APP_CONS, "cc", "induction"),
    # commutativity of plus called at (sizeT r) (sizeT l); the same template without the call
    # runs past the budget beside the discovered rules, so the calls are tried first, and a run
    # is stopped after auto.RUN_SECONDS
    ("size of a mirrored tree: calls first", SIZE_MIRROR, "sm", "discovered"),
    # `lengthN (qrev xs (y : ys)) == S (lengthN (qrev xs ys))`: a conjecture with a cons in
    # it, proved by induction with the hypothesis at three other values of y and ys
    ("length of an accumulating reverse: generalised hypothesis", LEN_QREV, "lq", "discovered"),
    # `countN n (ins x xs) == countN n (x : xs)`, whose step splits on eqN n y two steps down
    ("count after insertion sort: deeper case splits", COUNT_SORT, "ct", "discovered"),
])
def test_real_prover_proves_by_the_new_induction_schemes(real_prover, check, name, pair, entry, template):
    r = check(*pair, entry_a=entry, entry_b=entry)
    assert r.verdict == Verdict.EQUIVALENT, r.reason
    assert template in r.proof.template


def test_a_batch_runs_side_by_side_within_the_checkers_slots(monkeypatch):
    """With `parallel=2` a batch of 40 is checked as two runs of 20 at once; a failed run's
    halves run at once too, and never more than two Liquid Haskell runs at a time."""
    import threading
    import time

    lh = module(*PLUS_COMM, "comm")
    lock, state = threading.Lock(), {"now": 0, "most": 0, "sizes": []}

    def fake(prover, text, *, proof, limits, cache_dir, line_map):
        lines = text.split(PROOF_MARKER + "\n", 1)[1].split("\n")
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            state["sizes"].append(sum(1 for ln in lines if ln.startswith(("good", "spec"))))
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        if any(ln.startswith("spec") for ln in lines):
            return LhOutcome("spec-error", message="Cannot parse specification")
        return LhOutcome("proved")

    monkeypatch.setattr(prover_module, "run_prover", fake)
    blocks = [explore.Block(str(i), f"good{i} = ()") for i in range(39)] + [explore.Block("s", "spec = ()")]
    config = load_config()
    checker = Checker(None, config.proof, config.sandbox, config.toolchain.cache_dir, parallel=2)
    res = explore.check_batch(lh, checker, "", blocks, timeout=100)
    assert res.proved == {str(i) for i in range(39)}
    assert state["sizes"][:2] == [20, 20] and state["most"] == 2
    assert checker.capped(5).slots is checker.slots  # a capped copy shares the bound


def test_runs_at_once_share_the_cores_among_the_pairs():
    import dataclasses
    import os

    from hsx.proof.stage import runs_at_once

    proof = load_config().proof
    cores = os.cpu_count() or 1
    assert runs_at_once(proof, 1) == cores
    assert runs_at_once(proof, cores) == 1 and runs_at_once(proof, 4 * cores) == 1
    assert runs_at_once(dataclasses.replace(proof, parallel=3), 1) == 3


def test_rules_rewrite_towards_the_function_the_other_side_calls():
    """`sumN (appN xs ys) == plus (sumN xs) (sumN ys)`, not the other way: sumN calls plus, so
    the left side is the one an induction on xs meets (`sumN (appN (x : xs) ys)`)."""
    texts = [c.text() for c in conjectures(module(*SUM_APP, "sa"))]
    assert "sumN (appN hsxV4 hsxV5) == plus (sumN hsxV4) (sumN hsxV5)" in texts, texts
    assert not any(t.startswith("plus (sumN") for t in texts)


def test_no_rule_undoes_an_unfolding():
    """`app (rev xs) [y] == rev (y : xs)` holds, but PLE unfolds the right side into the left:
    as a rule beside the definitions it loops, so it is not conjectured."""
    texts = [c.text() for c in conjectures(module(*LEN_REV, "lr"))]
    assert "rev (app hsxV7 (hsxV1 : [])) == hsxV1 : (rev hsxV7)" in texts, texts
    assert not any(t.startswith("app (rev hsxV7) (hsxV1 : [])") for t in texts)


def test_lemmas_of_earlier_pairs_are_reused_only_where_the_rounds_reach_them(monkeypatch):
    """A cached lemma takes its place in the window of conjectures like any other, and one
    beyond the window waits for the round that reaches it: what a pair proves does not depend
    on the pairs before it.  The rounds go on from one call to the next through its state."""
    import time

    lh = module(*SUM_APP, "sa")
    runs = []

    def accept_all(prover, text, *, proof, limits, cache_dir, line_map):
        runs.append(text)
        return LhOutcome("proved")

    monkeypatch.setattr(prover_module, "run_prover", accept_all)
    config = load_config()
    checker = Checker(None, config.proof, config.sandbox, config.toolchain.cache_dir)
    fs = reachable(lh, [lh.entry_a, lh.entry_b]) - {lh.entry_a, lh.entry_b}
    found = relevant(explore._conjectures(lh), fs, explore.POOL * 3)
    assert len(found) == 6
    explore._PROVED.clear()
    try:
        for k in (1, 5):
            stub = "\n".join([*explore._goal(lh, found[k], "hsxLemmaX").signature(""), "hsxLemmaX = () -- cached"])
            explore._PROVED[explore._key(lh, found[k])] = stub
        state = explore.Discovery()
        lib = explore.discover(lh, checker, time.monotonic() + 100, limit=3, library=12, rounds=1, state=state)
        # the window: 0, 1 (cached: checked again, not proved again) and 2; 5 lies beyond it
        assert set(re.findall(r"^(hsxLemma\d+) ::", lib.text, re.M)) == {"hsxLemma0", "hsxLemma1", "hsxLemma2"}
        assert "hsxLemma1 = () -- cached" in lib.text and "hsxLemma5" not in lib.text
        assert not any("hsxLemma1x" in text for text in runs)
        lib = explore.discover(lh, checker, time.monotonic() + 100, limit=3, library=12, rounds=1, state=state)
        assert "hsxLemma5 = () -- cached" in lib.text and "hsxLemma4 ::" in lib.text  # the next round
        # the library's bound holds for reused lemmas too
        lib = explore.discover(lh, checker, time.monotonic() + 100, limit=6, library=1, rounds=2)
        assert len(re.findall(r"^hsxLemma\d+ ::", lib.text, re.M)) == 1, lib.text
    finally:
        explore._PROVED.clear()


@pytest.mark.liquid
def test_real_prover_proves_discovered_lemmas_that_unlock_the_induction(real_prover, verifier, config):
    """Theory exploration conjectures facts about minus and plus (the module has one copy of
    each: both files define them alike); Liquid Haskell proves them in batches; beside them the
    lock-step induction goes through, and the whole text is accepted again as a given proof,
    lemmas first."""
    import time

    from hsx.proof.induction import theorem_candidates
    from hsx.proof.prover import run_prover
    from hsx.verify.pipeline import PairRequest

    lh = verifier.lh_module(PairRequest(*MINUS_MINUS, entry_a="mm", entry_b="mm"))
    lib = explore.discover(lh, _checker(real_prover, config), time.monotonic() + 240)
    assert lib is not None and "minus_b" not in lib.text and "{ (minus hsxV1 Z) == (hsxV1) }" in lib.text
    assert "{-@ rewrite hsxLemma" in lib.text
    lockstep = dict(theorem_candidates(lh, "hsxInd", "equiv"))["functional induction following minus (x1, x2)"]
    text = lib.text + "\n" + lockstep
    out = run_prover(real_prover, lh.with_proof(text), proof=config.proof, limits=config.sandbox,
                     cache_dir=config.toolchain.cache_dir)
    assert out.proved, out.message


@pytest.mark.liquid
def test_real_prover_slides_the_window_of_conjectures_as_lemmas_are_proved(real_prover, verifier, config):
    """Three conjectures per round, smallest first: each proved one makes room for the next, so
    a conjecture beyond the first window (`plus x (S y)`, the fourth) is proved in a later
    round, beside the earlier lemmas; and no more lemmas are kept than the library's bound."""
    import re
    import time

    from hsx.verify.pipeline import PairRequest

    lh = verifier.lh_module(PairRequest(*SUM_APP, entry_a="sa", entry_b="sa"))
    explore._PROVED.clear()
    lib = explore.discover(lh, _checker(real_prover, config), time.monotonic() + 240, limit=3, library=6,
                           rounds=4)
    assert lib is not None
    indices = {int(i) for i in re.findall(r"hsxLemma(\d+) ::", lib.text)}
    assert max(indices) >= 3 and len(indices) <= 6, lib.text
    assert "{ (plus hsxV1 (S hsxV2)) == (S (plus hsxV1 hsxV2)) }" in lib.text


@pytest.mark.liquid
def test_real_prover_checks_a_reused_lemma_again(real_prover, verifier, config):
    """A lemma cached from another pair may have leant on that pair's rewrite rules: it is
    reused only if it goes through beside this pair's module, else proved again."""
    import re
    import time

    from hsx.verify.pipeline import PairRequest

    lh = verifier.lh_module(PairRequest(*PLUS_COMM, entry_a="comm", entry_b="comm"))
    explore._PROVED.clear()
    c = next(c for c in explore._conjectures(lh) if c.text() == "plus hsxV1 Z == hsxV1")
    stale = "\n".join(["{-@ rewrite hsxLemmaX @-}", *explore._goal(lh, c, "hsxLemmaX").signature(""),
                       "hsxLemmaX hsxV1 = ()"])  # no induction: fails without the other pair's rules
    explore._PROVED[explore._key(lh, c)] = stale
    lib = explore.discover(lh, _checker(real_prover, config), time.monotonic() + 120, rounds=1)
    assert lib is not None and "{ (plus hsxV1 Z) == (hsxV1) }" in lib.text, lib and lib.text
    assert not re.search(r"^hsxLemma\d+ hsxV1 = \(\)$", lib.text, re.M), lib.text
    explore._PROVED.clear()


@pytest.mark.liquid
def test_real_prover_accepts_the_shown_proof_again_as_a_given_proof(real_prover, check):
    r = check(*MINUS_MINUS, entry_a="mm", entry_b="mm")
    assert r.verdict == Verdict.EQUIVALENT, r.reason
    again = check(*MINUS_MINUS, entry_a="mm", entry_b="mm", proof=r.proof.text)
    assert again.verdict == Verdict.EQUIVALENT, again.reason
    assert again.proof.template == "given"


@pytest.mark.liquid
def test_real_prover_accepts_the_inferred_metric_for_counting_up(real_prover, check):
    """`/ [y2 - y1]` (hsx/proof/metrics.py): without it Liquid Haskell's default metric (the
    first Int argument, which grows) fails termination and nothing can be proved."""
    up = "countUp :: Int -> Int -> Int\ncountUp i n = if i >= n then 0 else 1 + countUp (i + 1) n\n"
    r = check(up, up.replace("if i >= n then 0 else 1 + countUp (i + 1) n",
                             "if n <= i then 0 else countUp (i + 1) n + 1"))
    assert r.verdict == Verdict.EQUIVALENT, r.reason
