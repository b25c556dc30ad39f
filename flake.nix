{
  description = "hsx: checks Haskell programs for equivalence by running them (dev shell + hsx-helper)";

  inputs = {
    # A release branch, not a commit: flake.lock pins the exact nixpkgs revision (and its hash),
    # so every machine that uses the lock file gets the same GHC, Liquid Haskell and z3.
    # `nix flake update` moves the pin forward deliberately.
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.05";
  };

  outputs = { self, nixpkgs }:
    let
      # The two platforms GHC 9.10 and z3 are built for in the binary cache.  A five-line helper
      # instead of flake-utils: one input fewer to lock and audit.
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});

      perSystem = pkgs:
        let
          lib = pkgs.lib;

          # GHC 9.10: the compiler nixpkgs pairs with Liquid Haskell 0.9.10.x.  LH is a GHC plugin,
          # so it must be built by (and run inside) exactly this compiler; everything else uses the
          # same package set so that there is a single GHC in the closure.
          haskellPackages = pkgs.haskell.packages.ghc910.override {
            overrides = hself: _hsuper: {
              # The helper (library Hsx.Runtime + executable hsx-helper) from ./haskell.  In a git
              # flake only tracked files are copied, so haskell/dist-newstyle never reaches Nix.
              hsx-helper = hself.callCabal2nix "hsx-helper" ./haskell { };
            };
          };
          hsxHelper = haskellPackages.hsx-helper;

          # Libraries shared by both GHC environments below.  containers, filepath, text and
          # bytestring are GHC boot packages (null in the package set); ghcWithPackages skips the
          # nulls, and listing them documents what the interpreter may import.
          commonLibs = p: with p; [
            hint
            QuickCheck
            smallcheck
            aeson
            containers
            exceptions
            filepath
            text
            bytestring
          ];

          # The development compiler: what `ghc` and `cabal build` use in the shell.  It does NOT
          # contain hsx-helper, so that cabal builds the working copy in ./haskell rather than
          # picking up the Nix-built library from the global package db.
          ghcDev = haskellPackages.ghcWithPackages (p: commonLibs p ++ [ p.liquidhaskell ]);

          # The run-time environment of the interpreter: the same libraries plus the helper's
          # library, whose harness modules import Hsx.Runtime.  ghcWithPackages merges every
          # library's registration into ONE package db and runs `ghc-pkg recache` there.
          hsxHelperGhc = haskellPackages.ghcWithPackages (p: commonLibs p ++ [ p.liquidhaskell p.hsx-helper ]);

          # Where that merged db lives.  This mirrors nixpkgs'
          # pkgs/development/haskell-modules/with-packages-wrapper.nix:
          #   libDir = $out/lib/<targetPrefix><haskellCompilerName>  (+ "/lib" for hadrian-built GHCs)
          #   packageCfgDir = libDir + "/package.conf.d"
          # GHC 9.10 is built with hadrian, so this is .../lib/ghc-9.10.x/lib/package.conf.d; the
          # shell hook checks that the directory exists rather than trusting the computation.
          ghc = haskellPackages.ghc;
          hsxPackageDb =
            "${hsxHelperGhc}/lib/${ghc.targetPrefix}${ghc.haskellCompilerName}"
            + lib.optionalString (ghc ? hadrian) "/lib"
            + "/package.conf.d";

          # Python 3.11 (hsx needs tomllib, >= 3.11) with pip; venv is part of the standard library.
          python = pkgs.python311.withPackages (ps: [ ps.pip ]);
        in
        {
          inherit hsxHelper hsxHelperGhc;

          devShell = pkgs.mkShell {
            packages = [
              ghcDev
              pkgs.cabal-install
              pkgs.z3 # the SMT solver Liquid Haskell calls
              python
              hsxHelper
            ];
            shellHook = ''
              export HSX_PACKAGE_DB="${hsxPackageDb}"
              export HSX_HELPER="${hsxHelper}/bin/hsx-helper"
              if [ ! -f "$HSX_PACKAGE_DB/package.cache" ]; then
                echo "warning: no package db at $HSX_PACKAGE_DB (try: ${hsxHelperGhc}/bin/ghc --print-libdir)" >&2
              fi
              echo "hsx dev shell: $(ghc --numeric-version | sed 's/^/GHC /'), $(z3 --version), python $(python3 -c 'import platform; print(platform.python_version())'); HSX_HELPER and HSX_PACKAGE_DB set"
            '';
          };
        };
    in
    {
      packages = forAllSystems (pkgs:
        let s = perSystem pkgs; in {
          hsx-helper = s.hsxHelper;
          # The interpreter's environment (GHC + libraries + hsx-helper's library), for
          # HSX_PACKAGE_DB outside the dev shell.
          hsx-helper-ghc = s.hsxHelperGhc;
          default = s.hsxHelper;
        });

      devShells = forAllSystems (pkgs: {
        default = (perSystem pkgs).devShell;
      });
    };
}
