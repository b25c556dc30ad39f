{
  description = "hsx dev shell: GHC 9.0.2, cabal, z3, Python 3.11 (the toolchain CI tests on Debian 12)";

  inputs = {
    # Pinned by commit, in the URL itself: nixos-24.11 as of 2025-06-30.  24.11 is the last release branch with haskell.compiler.ghc902 (nixpkgs
    # removed GHC 9.0 from master in February 2025, NixOS/nixpkgs#381265).  How this revision and
    # its attributes were checked, and what could not be: README, "Set-up: Debian or Nix".
    nixpkgs.url = "github:NixOS/nixpkgs/50ab793786d9de88ee30ec4e4c24fb4236fc2674";
  };

  outputs = { self, nixpkgs }:
    let
      # A five-line helper instead of flake-utils: one input fewer to pin and audit.
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      devShells = forAllSystems (pkgs: {
        # The shell provides only the tools.  Inside it the same `make` targets as on Debian build
        # everything else with cabal from Hackage, pinned by the same freeze files and index-state
        # that CI uses (the Makefile sees IN_NIX_SHELL, skips apt and builds the helper from Hackage):
        #   make setup   the venv, the helper (haskell/cabal.project.hackage + .freeze) and
        #                `make liquid`: Liquid Haskell 0.9.0.2.1 (liquid/cabal.project + .freeze)
        #   make test    the suite, as CI runs it
        # Nothing comes from nixpkgs' Haskell package set, and nothing from its Liquid Haskell.
        default = pkgs.mkShell {
          packages = [
            pkgs.haskell.compiler.ghc902 # GHC 9.0.2, the compiler Liquid Haskell 0.9.0.2.1 is built for
            pkgs.cabal-install
            pkgs.z3 # the SMT solver Liquid Haskell calls
            pkgs.python311 # hsx needs Python >= 3.11 (tomllib); venv and pip come with it
            pkgs.pkg-config
          ];
          shellHook = ''
            echo "hsx dev shell: GHC $(ghc --numeric-version), $(cabal --numeric-version | sed 's/^/cabal /'), $(z3 --version), $(python3 --version)"
            echo "next: make setup (first time: downloads the Hackage index and builds the Haskell packages; see README)"
          '';
        };
      });
    };
}
