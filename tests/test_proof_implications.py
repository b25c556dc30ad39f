"""Conditional lemmas (hsx/proof/implications.py): `P ==> Q` conjectured by evaluation, proved by
induction as plain lemmas, and called where their conclusion matches a term of the goal."""

import re

import pytest

from hsx.haskell.hstypes import TCon
from hsx.proof import auto, explore, implications
from hsx.proof.discovery import Term, conjectures, reachable, relevant
from hsx.proof.instances import with_lemma_calls
from hsx.verdict import Verdict

from test_proof_discovery import COUNT, LENGTHN, NAT, module

LE = "le :: Nat -> Nat -> Bool\nle Z _ = True\nle (S _) Z = False\nle (S n) (S m) = le n m\n\n"
FILT = ("posInt :: Int -> Bool\nposInt x = x > 0\n\n"
        "filt :: [Int] -> [Int]\nfilt [] = []\nfilt (x : xs) = if posInt x then x : filt xs else filt xs\n\n")
# `le (lengthN (filt xs)) (lengthN xs)`: the step that drops x needs `le a b ==> le a (S b)`.
LE_FILTER = (NAT + LE + LENGTHN + FILT + "lf :: [Int] -> Bool\nlf xs = le (lengthN (filt xs)) (lengthN xs)\n",
             NAT + "lf :: [Int] -> Bool\nlf xs = True\n")
LENGTHL = "lengthL :: [Nat] -> Nat\nlengthL [] = Z\nlengthL (_ : xs) = S (lengthL xs)\n\n"
COUNT_LE_LEN = (NAT + LE + COUNT + LENGTHL + "cl :: Nat -> [Nat] -> Bool\ncl n ns = le (countN n ns) (lengthL ns)\n",
                NAT + "cl :: Nat -> [Nat] -> Bool\ncl n ns = True\n")
WEAKENING = re.compile(r"^le (hsxV\d+) (hsxV\d+) ==> le \1 \(S \2\)$")


def _v(name: str) -> tuple:
    return (name,)


def _bool(tree: tuple, values: list[bool]) -> tuple:
    """A Boolean term of the exploration, with its values on the samples."""
    def text(t):
        return t[0] if len(t) == 1 else "(" + " ".join([t[0], *map(text, t[1:])]) + ")"

    def names(t):
        return {t[0]} if len(t) == 1 and t[0].startswith("hsxV") else set().union(*map(names, t[1:]), set())

    def size(t):
        return 1 + sum(map(size, t[1:]))

    return (Term(text(tree)[1:-1], TCon("Bool"), size(tree), frozenset(names(tree)), frozenset({tree[0]}), tree),
            tuple(values))


def test_an_implication_is_one_step_with_a_premise_that_holds_and_a_conclusion_that_can_fail():
    a, b, c = _v("hsxV1"), _v("hsxV2"), _v("hsxV3")
    T, F = True, False
    p = _bool(("le", a, b), [T, T, F, F, F, F])
    q = _bool(("le", a, ("S", b)), [T, T, T, F, F, F])
    q2 = _bool(("le", a, ("S", ("S", b))), [T, T, T, T, F, F])  # two steps from p; from q, p's instance
    both = _bool(("le", ("S", a), ("S", b)), [F, F, F, F, T, T])
    law = _bool(("le", a, ("plus", b, c)), [T] * 6)  # true everywhere: a law, not a conclusion
    rare = _bool(("le", ("S", a), b), [T, F, F, F, F, F])  # holds on one sample only
    other = _bool(("lt", a, ("S", b)), [T, T, T, F, F, F])  # another function
    pairs = [(x.text, y.text) for x, y in implications.candidates([p, q, q2, both, law, rare, other])]
    assert pairs == [("le hsxV1 hsxV2", "le hsxV1 (S hsxV2)")]
    # an instance of a smaller implication is left out
    p3, q3 = _bool(("le", ("S", a), b), [F, F, F, T, T, F]), _bool(("le", ("S", a), ("S", b)), [F, F, F, T, T, T])
    assert [(x.text, y.text) for x, y in implications.candidates([p, q, p3, q3])] == pairs


def test_conditional_lemmas_only_about_what_the_programs_call_themselves():
    from test_proof_discovery import COUNT_SORT

    lh = module(*COUNT_SORT, "ct")
    found = conjectures(lh)
    assert any(c.premise is not None and c.lhs.tree[0] == "lt" for c in found)  # lt is tested inside ins
    fs = reachable(lh, [lh.entry_a, lh.entry_b]) - {lh.entry_a, lh.entry_b}
    direct = reachable(lh, [lh.entry_a, lh.entry_b], depth=1)
    assert "lt" not in direct and not [c for c in relevant(found, fs, 24, direct) if c.premise is not None]


def test_exploration_conjectures_the_weakening_an_order_needs():
    lh = module(*LE_FILTER, "lf")
    found = conjectures(lh)
    weak = [c for c in found if c.premise is not None and WEAKENING.match(c.text())]
    assert weak, [c.text() for c in found if c.premise]
    c = weak[0]
    a, b = WEAKENING.match(c.text()).groups()
    assert c.statement() == f"{{ (le {a} {b}) => (le {a} (S {b})) }}"
    assert all(c.premise.variables <= c.lhs.variables for c in found if c.premise)
    fs = reachable(lh, [lh.entry_a, lh.entry_b]) - {lh.entry_a, lh.entry_b}
    assert c in relevant(found, fs, explore.POOL * 12)


def test_a_conditional_lemma_is_proved_as_a_plain_lemma_and_called_at_the_goals_terms():
    lh = module(*LE_FILTER, "lf")
    c = next(c for c in conjectures(lh) if c.premise is not None and WEAKENING.match(c.text()))
    proofs = explore.lemma_proofs(lh, c, "hsxLemma3")
    assert any("hsxLemma3 (S n) (S m) = hsxLemma3 n m" in p for p in proofs), proofs  # following le
    lemma = proofs[-1]
    structural = next(b for b in auto._base_candidates(lh) if b.template == "induction on x1 (list)")
    called = with_lemma_calls(structural.text, lemma, lh)
    # where the step drops y: le (lengthN (filt ys)) (S (lengthN ys)) from the hypothesis
    assert "hsxLemma3 (lengthN (filt (hsxY : hsxYs))) (lengthN hsxYs)" in called, called


@pytest.mark.liquid
@pytest.mark.parametrize("pair,entry", [(LE_FILTER, "lf"), (COUNT_LE_LEN, "cl")])
def test_real_prover_proves_an_order_with_a_discovered_conditional_lemma(real_prover, check, pair, entry):
    explore._PROVED.clear()
    r = check(*pair, entry_a=entry, entry_b=entry)
    assert r.verdict == Verdict.EQUIVALENT, r.reason
    assert "discovered" in r.proof.template
    # the implication is a plain lemma (Liquid Haskell rewrites only with equalities)
    name = re.search(r"^\{-@ (\w+) :: .*\) => \(", r.proof.text, re.M).group(1)
    assert f"rewrite {name} " not in r.proof.text


def test_a_wildcard_is_named_where_a_case_split_needs_it():
    """Following lengthN's `(_ : xs)`, the split on what filt tests needs the head's name; a
    wildcard nothing uses stays a wildcard."""
    lh = module(*LE_FILTER, "lf")
    c = {b.template: b.text for b in auto._base_candidates(lh)}["recursion induction following helper lengthN"]
    assert "hsxInd (hsxW1 : xs) = if posInt hsxW1 then" in c, c
    lh = module(*COUNT_LE_LEN, "cl")
    c = {b.template: b.text for b in auto._base_candidates(lh)}["functional induction following lengthL (x2)"]
    assert "hsxInd x1 (hsxW1 : xs) = if eqN x1 hsxW1 then" in c and "hsxInd x1 [] = ()" in c, c
    assert "hsxInd _ [] = ()" in {b.template: b.text for b in auto._base_candidates(lh)}[
        "recursion induction following helper countN"]
