"""Automatic proof search (hsx/proof/search.py, hsx/proof/lemmas.py): the templates that copy a
definition's shape (case splits that follow the guards, recursion induction), accumulator
generalisation and the library of proved lemmas about the programs' own list helpers.

The first tests read the candidate texts (no prover needed).  Tests marked `liquid` run the real
Liquid Haskell on the automatic search and assert which template proved the pair.
"""

import pytest

from hsx.config import SandboxConfig
from hsx.haskell import sandbox
from hsx.proof.lemmas import recognise
from hsx.proof.policy import check_proof_text
from hsx.proof.search import candidate_proofs
from hsx.verdict import Verdict
from hsx.verify.pipeline import PairRequest

MAX_IF = "maxInt :: Int -> Int -> Int\nmaxInt a b = if a >= b then a else b\n"
MAX_GUARDS = "maxInt :: Int -> Int -> Int\nmaxInt a b\n  | b > a = b\n  | otherwise = a\n"

MAYBE_CLAUSES = ("addMaybe :: Maybe Int -> Maybe Int -> Maybe Int\n"
                 "addMaybe (Just a) (Just b) = Just (a + b)\naddMaybe _ _ = Nothing\n")
MAYBE_CASE = ("addMaybe :: Maybe Int -> Maybe Int -> Maybe Int\naddMaybe ma mb = case ma of\n"
              "  Nothing -> Nothing\n  Just a -> case mb of\n    Nothing -> Nothing\n    Just b -> Just (b + a)\n")

COUNT_IF = ("countPos :: [Int] -> Int\ncountPos [] = 0\n"
            "countPos (x : xs) = (if x > 0 then 1 else 0) + countPos xs\n")
COUNT_ACC = ("countGo :: Int -> [Int] -> Int\ncountGo acc [] = acc\ncountGo acc (x : xs)\n"
             "  | x > 0 = countGo (acc + 1) xs\n  | otherwise = countGo acc xs\n\n"
             "countPos :: [Int] -> Int\ncountPos xs = countGo 0 xs\n")

TREE = "data Tree = Leaf | Node Tree Int Tree\n  deriving (Show, Eq)\n\n"
TSUM = TREE + "tsum :: Tree -> Int\ntsum Leaf = 0\ntsum (Node l x r) = tsum l + x + tsum r\n"
TSUM_ACC = TREE + ("tsumGo :: Tree -> Int -> Int\ntsumGo Leaf acc = acc\n"
                   "tsumGo (Node l x r) acc = tsumGo l (x + tsumGo r acc)\n\n"
                   "tsum :: Tree -> Int\ntsum t = tsumGo t 0\n")

SUMTO = "sumTo :: Int -> Int\nsumTo n = if n <= 0 then 0 else n + sumTo (n - 1)\n"
SUMTO_ACC = ("sumToGo :: Int -> Int -> Int\n"
             "sumToGo n acc = if n <= 0 then acc else sumToGo (n - 1) (acc + n)\n\n"
             "sumTo :: Int -> Int\nsumTo n = sumToGo n 0\n")

ALL_POS = "allPos :: [Int] -> Bool\nallPos [] = True\nallPos (x : xs) = x > 0 && allPos xs\n"
ALL_POS_ACC = ("allGo :: Bool -> [Int] -> Bool\nallGo acc [] = acc\nallGo acc (x : xs) = allGo (acc && x > 0) xs\n\n"
               "allPos :: [Int] -> Bool\nallPos xs = allGo True xs\n")

EXPR = "data Expr = Lit Int | Add Expr Expr | Neg Expr\n  deriving (Show, Eq)\n\n"
EVAL = "eval :: Expr -> Int\neval (Lit n) = n\neval (Add a b) = eval a + eval b\neval (Neg a) = 0 - eval a\n\n"
SIMPLIFIED = EXPR + EVAL + (
    "dropNN :: Expr -> Expr\ndropNN (Neg (Neg e)) = dropNN e\ndropNN (Neg e) = Neg (dropNN e)\n"
    "dropNN (Add a b) = Add (dropNN a) (dropNN b)\ndropNN (Lit n) = Lit n\n\n"
    "evalS :: Expr -> Int\nevalS e = eval (dropNN e)\n")
PLAIN = EXPR + EVAL + "evalS :: Expr -> Int\nevalS e = eval e\n"

APP = "appL :: [a] -> [a] -> [a]\nappL [] ys = ys\nappL (x : xs) ys = x : appL xs ys\n\n"
REV_NAIVE = APP + "revL :: [a] -> [a]\nrevL [] = []\nrevL (x : xs) = appL (revL xs) [x]\n"
REV_ACC = ("revOnto :: [a] -> [a] -> [a]\nrevOnto [] acc = acc\nrevOnto (x : xs) acc = revOnto xs (x : acc)\n\n"
           "revL :: [a] -> [a]\nrevL xs = revOnto xs []\n")


def module_for(verifier, a, b):
    m = verifier.lh_module(PairRequest(a, b))
    assert not hasattr(m, "verdict"), getattr(m, "reason", "")
    return m


def by_template(verifier, a, b) -> dict[str, str]:
    return {c.template: c.text for c in candidate_proofs(module_for(verifier, a, b))}


# -- the candidates ---------------------------------------------------------------------------

def test_case_split_follows_each_sides_conditions(verifier):
    c = by_template(verifier, MAX_IF, MAX_GUARDS)
    assert list(c)[0] == "empty"
    # A's `if` is the outer split; B's guard, instantiated, splits the leaves.
    assert c["case split following A"] == \
        "equiv a b = if a >= b then (if b > a then (()) else (())) else (if b > a then (()) else (()))"
    assert c["case split following B"].splitlines()[1:] == [
        "  | b > a = if a >= b then (()) else (())", "  | otherwise = if a >= b then (()) else (())"]


def test_case_split_follows_clauses_and_case(verifier):
    c = by_template(verifier, MAYBE_CLAUSES, MAYBE_CASE)
    assert c["case split following A"].splitlines() == ["equiv (Just a) (Just b) = ()", "equiv _ _ = ()"]
    assert c["case split following B"] == ("equiv ma mb = case ma of { Nothing -> (()); "
                                           "Just a -> (case mb of { Nothing -> (()); Just b -> (()) }) }")


def test_recursion_induction_copies_the_recursion_and_splits_on_the_other_side(verifier):
    c = by_template(verifier, COUNT_IF, COUNT_ACC)
    text = c["recursion induction following A"]
    assert "hsxInd (x : xs) = if x > 0 then (hsxInd xs) else (hsxInd xs)" in text
    assert "{-@ hsxInd :: x1:[Int] -> { countPos x1 == countPos_b x1 } / [len x1] @-}" in text
    acc = c["accumulator lemma (countGo: hsxP1 + countPos hsxP2)"]
    assert "  | x > 0 = hsxAcc (acc + 1) xs" in acc  # the helper's own guards
    assert "equiv x1 = hsxAcc 0 x1" in acc


def test_accumulator_generalisation_over_trees_and_numbers(verifier):
    c = by_template(verifier, TSUM, TSUM_ACC)
    text = c["accumulator lemma (tsumGo: hsxP2 + tsum hsxP1)"]
    # both recursive calls, the nested one included, become induction hypotheses
    assert "hsxAcc (Node l x r) acc = hsxAcc l (x + tsumGo r acc) &&& hsxAcc r acc" in text
    assert "/ [hsxSizeTree hsxP1]" in text
    c = by_template(verifier, SUMTO, SUMTO_ACC)
    text = c["accumulator lemma (sumToGo: hsxP2 + sumTo hsxP1)"]
    assert "hsxAcc n acc = if n <= 0 then (()) else (hsxAcc (n - 1) (acc + n))" in text
    assert "/ [hsxP1]" in text


def test_bool_accumulator_states_its_lemma_with_iff(verifier):
    c = by_template(verifier, ALL_POS, ALL_POS_ACC)
    text = c["accumulator lemma (allGo: hsxP1 && allPos hsxP2)"]
    # `f x == (p && q)` does not parse in Liquid Haskell's specification language
    assert "{ allGo hsxP1 hsxP2 <=> (hsxP1 && allPos hsxP2) }" in text


def test_recursion_induction_can_follow_a_helper_of_an_entry(verifier):
    c = by_template(verifier, SIMPLIFIED, PLAIN)
    text = c["recursion induction following helper dropNN"]
    assert "hsxInd (Neg (Neg e)) = hsxInd e" in text and "/ [hsxSizeExpr x1]" in text


def test_library_lemmas_are_recognised_and_proved_in_the_text(verifier):
    m = module_for(verifier, REV_NAIVE, REV_ACC)
    assert recognise(m)["appL"] == "append" and recognise(m)["revL"] == "reverse"
    lib = next(c for c in candidate_proofs(m) if "+ lemmas" in c.template)
    for lemma in ("hsxAppNil_appL", "hsxAppAssoc_appL", "hsxRevApp_revL", "hsxRevRev_revL"):
        assert f"{{-@ rewrite {lemma}" in lib.text
    # every lemma has its own proof: no `assume`, and the text passes the policy
    assert "hsxAppAssoc_appL (_ : xs) ys zs = hsxAppAssoc_appL xs ys zs" in lib.text
    assert check_proof_text(lib.text, protected_names=m.protected_names) == []


STUB = """module Language.Haskell.Liquid.ProofCombinators where
type Proof = ()
(&&&) :: Proof -> Proof -> Proof
_ &&& _ = ()
"""


@pytest.mark.parametrize("a, b", [(MAX_IF, MAX_GUARDS), (MAYBE_CLAUSES, MAYBE_CASE), (COUNT_IF, COUNT_ACC),
                                  (TSUM, TSUM_ACC), (SUMTO, SUMTO_ACC), (REV_NAIVE, REV_ACC)])
def test_every_candidate_is_valid_haskell_and_passes_the_policy(verifier, tmp_path, a, b):
    m = module_for(verifier, a, b)
    stub = tmp_path / "Language" / "Haskell" / "Liquid"
    stub.mkdir(parents=True)
    (stub / "ProofCombinators.hs").write_text(STUB)
    for c in candidate_proofs(m):
        assert check_proof_text(c.text, protected_names=m.protected_names) == [], c.template
        (tmp_path / "HsxEquiv.hs").write_text(m.with_proof(c.text))
        r = sandbox.run(["ghc", "-fno-code", "-i" + str(tmp_path), "HsxEquiv.hs"], cwd=tmp_path,
                        limits=SandboxConfig(), timeout=120)
        assert r.returncode == 0, f"{c.template}:\n{c.text}\n{(r.stdout + r.stderr).decode()}"


# -- the real prover --------------------------------------------------------------------------



@pytest.mark.liquid
@pytest.mark.parametrize("name, a, b, template", [
    ("max if vs guards", MAX_IF, MAX_GUARDS, "case split following"),
    ("Maybe clauses vs case", MAYBE_CLAUSES, MAYBE_CASE, "case split following"),
    ("count with a guarded accumulator", COUNT_IF, COUNT_ACC, "accumulator lemma (countGo: hsxP1 + countPos"),
    ("tree accumulator, nested call", TSUM, TSUM_ACC, "accumulator lemma (tsumGo: hsxP2 + tsum"),
    ("Int accumulator", SUMTO, SUMTO_ACC, "accumulator lemma (sumToGo: hsxP2 + sumTo"),
    ("Bool accumulator", ALL_POS, ALL_POS_ACC, "accumulator lemma (allGo: hsxP1 && allPos"),
    ("following a helper's recursion", SIMPLIFIED, PLAIN, "recursion induction following helper dropNN"),
    ("reverse: lemma library", REV_NAIVE, REV_ACC, "accumulator lemma (revOnto: appL (revL hsxP1) hsxP2) + lemmas"),
])
def test_real_prover_proves_with_the_new_templates(real_prover, check, name, a, b, template):
    r = check(a, b)
    assert r.verdict == Verdict.EQUIVALENT, f"{name}: {r.reason}"
    assert r.proof.template.startswith(template), r.proof.template


@pytest.mark.liquid
def test_real_prover_never_proves_a_false_pair_by_search(real_prover, check):
    # differs only beyond the counterexample search's reach: the search runs every template and
    # none may be accepted
    a = "f :: Int -> Int -> Int\nf a b = if a >= b then a else b\n"
    b = "f :: Int -> Int -> Int\nf a b\n  | b > a + 100000000 = a\n  | b > a = b\n  | otherwise = a\n"
    r = check(a, b)
    assert r.verdict != Verdict.EQUIVALENT
    assert r.proof is None or all(x.status != "proved" for x in r.proof.attempts)
