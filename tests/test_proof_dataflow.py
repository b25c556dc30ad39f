"""Which functions' results the programs pass to which (hsx/proof/dataflow.py), and the order
it gives lemma discovery: conjectures that nest functions the way the programs never do come
after the others."""

import re

import pytest

from hsx.proof import dataflow, explore
from hsx.proof.discovery import conjectures, reachable, relevant
from hsx.proof.equations import equations, render_tokens
from hsx.verdict import Verdict

from test_proof_discovery import NAT, PLUS, SUMN, module

LT = "lt :: Nat -> Nat -> Bool\nlt _ Z = False\nlt Z (S _) = True\nlt (S n) (S m) = lt n m\n\n"
ISORT = ("ins :: Nat -> [Nat] -> [Nat]\nins n [] = [n]\n"
         "ins n (x : xs) = if lt n x then n : x : xs else x : ins n xs\n\n"
         "isort :: [Nat] -> [Nat]\nisort [] = []\nisort (x : xs) = ins x (isort xs)\n\n")
# `sumN (isort ns) == sumN ns` needs `sumN (ins x xs) == plus x (sumN xs)`, whose step needs
# `plus` to commute past an element; `lt (plus a b) a == False` and the like hold too.
SUM_SORT = (NAT + PLUS + SUMN + LT + ISORT + "ss :: [Nat] -> Nat\nss ns = sumN (isort ns)\n",
            NAT + PLUS + SUMN + "ss :: [Nat] -> Nat\nss ns = sumN ns\n")
EQN = ("eqN :: Nat -> Nat -> Bool\neqN Z Z = True\neqN Z (S _) = False\neqN (S _) Z = False\n"
       "eqN (S n) (S m) = eqN n m\n\n")
ELEM = EQN + "elemN :: Nat -> [Nat] -> Bool\nelemN _ [] = False\nelemN n (x : xs) = eqN n x || elemN n xs\n\n"


def test_results_reach_a_function_directly_or_through_an_unfolded_callee():
    fed = dataflow.feeds(module(*SUM_SORT, "ss"))
    assert fed["sumN"] == {"isort", "ins"}  # sumN (isort ns); isort returns `ins x (isort xs)`
    assert fed["plus"] == {"sumN", "plus"}  # plus x (sumN xs); sumN returns `plus ...`
    assert fed["ins"] == {"isort", "ins"}  # ins x (isort xs); isort returns `ins ...`
    assert fed["lt"] == set()  # lt only compares the list's elements
    # `eqN n x || elemN n xs` returns what `||` does, not eqN's result
    fed = dataflow.feeds(module(NAT + ELEM + "e :: Nat -> [Nat] -> Bool\ne n ns = elemN n ns\n",
                                NAT + ELEM + "e :: Nat -> [Nat] -> Bool\ne n ns = elemN n ns\n", "e"))
    assert fed["elemN"] == set() and fed["eqN"] == set()


def test_a_nesting_the_programs_never_make_is_unprecedented():
    fed = {"plus": {"sumN", "plus"}, "sumN": {"ins"}, "lt": set(), "ins": set()}
    v = ("x",), ("y",), ("xs",)
    assert dataflow.unprecedented(("lt", ("plus", v[0], v[1]), v[0]), fed)
    assert dataflow.unprecedented(("S", ("lt", v[0], ("plus", v[0], v[1]))), fed)  # found below the top
    assert not dataflow.unprecedented(("sumN", ("ins", v[0], v[2])), fed)
    assert not dataflow.unprecedented(("plus", ("plus", v[0], v[1]), v[1]), fed)
    assert not dataflow.unprecedented(("ins", v[0], ("ins", v[1], v[2])), fed)  # a function of its own result
    assert not dataflow.unprecedented(("lt", ("S", v[0]), v[0]), fed)  # constructors are not counted
    assert not dataflow.unprecedented(("lt", ("plus", v[0], v[1]), v[0]), None)  # nothing known


def test_conjectures_the_programs_suggest_are_tried_first():
    lh = module(*SUM_SORT, "ss")
    fs = reachable(lh, [lh.entry_a, lh.entry_b]) - {lh.entry_a, lh.entry_b}
    found = conjectures(lh)
    ranked = [c.text() for c in relevant(found, fs, 24, fed=dataflow.feeds(lh))]
    unranked = [c.text() for c in relevant(found, fs, 24)]
    insertion = re.compile(r"^sumN \(ins (hsxV\d+) (hsxV\d+)\) == plus \1 \(sumN \2\)$")
    key = next(t for t in ranked if insertion.match(t))
    # unranked, facts about lt on sums came before it; ranked, after it, which is in the first window
    lt_plus = [t for t in unranked if re.match(r"^lt .*\(plus ", t)]
    assert lt_plus and unranked.index(lt_plus[0]) < unranked.index(key)
    assert all(ranked.index(t) > ranked.index(key) for t in lt_plus if t in ranked)
    assert ranked.index(key) < 12


@pytest.mark.liquid
def test_real_prover_proves_a_sum_after_sorting_with_the_lemmas_the_program_suggests(real_prover, check):
    explore._PROVED.clear()
    r = check(*SUM_SORT, entry_a="ss", entry_b="ss")
    assert r.verdict == Verdict.EQUIVALENT, r.reason
    assert "sumN (ins " in r.proof.text and "discovered" in r.proof.template


def test_a_freed_modules_equations_never_stand_in_for_the_next_ones():
    """The equations reader's cache outlives the modules it read, and CPython gives a freed
    module's address to a later object: a later pair's module at that address must get its own
    definitions.  Simulated by giving one module object the next pair's functions."""
    lh = module(*SUM_SORT, "ss")
    assert render_tokens(equations(lh, "sumN")[1].rhs[0][1]) == "plus x (sumN xs)"
    mult_sum = SUMN.replace("plus x (sumN xs)", "mult x (sumN xs)")
    src = NAT + PLUS + "mult :: Nat -> Nat -> Nat\nmult Z _ = Z\nmult (S n) m = plus m (mult n m)\n\n" + mult_sum
    later = module(src + "p :: [Nat] -> Nat\np ns = sumN ns\n", src + "p :: [Nat] -> Nat\np ns = sumN ns\n", "p")
    object.__setattr__(lh, "functions", later.functions)  # same id(), the later pair's definitions
    assert render_tokens(equations(lh, "sumN")[1].rhs[0][1]) == "mult x (sumN xs)"
