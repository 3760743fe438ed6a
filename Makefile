# qda — common tasks.
#
#   make samples   import, code and count the bundled samples (the main job)
#   make test      run the test suite (swift test)
#   make format    format the sources in place, then lint them
#   make lint      lint the formatting without changing files
#   make install   build a release binary and copy it to $(PREFIX)/bin
#   make bench     the pipeline harness (Benchmarks/README.md)
#   make bench-import  the import-only benchmark
#   make check     qda check Samples/qda.yml (results current, gates hold)
#   make completions  shell completion scripts into out/completions
#   make man       the man page, from the command definitions

PREFIX ?= /usr/local
OUT ?= out

.PHONY: samples test format lint install bench bench-import check completions man

samples:
	swift build -c release --product qda
	rm -f $(OUT)/qda.sqlite $(OUT)/qda.sqlite-wal $(OUT)/qda.sqlite-shm
	mkdir -p $(OUT)
	.build/release/qda import reports Samples/work-reports.csv --db $(OUT)/qda.sqlite
	.build/release/qda import transcript Samples/interviews/deputy-director.md \
	  Samples/interviews/worker-1.txt Samples/interviews/worker-2.vtt \
	  Samples/interviews/worker-3.txt --role "Аутрич-работник 2=outreach-worker" \
	  --db $(OUT)/qda.sqlite
	.build/release/qda code auto --codebook Codebooks/web-outreach.yml --db $(OUT)/qda.sqlite
	.build/release/qda freq --by code --kind case --db $(OUT)/qda.sqlite
	.build/release/qda freq --by month --kind case --db $(OUT)/qda.sqlite
	.build/release/qda freq --unit document --kind turn --db $(OUT)/qda.sqlite
	.build/release/qda quotes challenge.nighttime --limit 3 --db $(OUT)/qda.sqlite
	.build/release/qda report --format markdown --db $(OUT)/qda.sqlite --output $(OUT)/report.md
	.build/release/qda report --format html --db $(OUT)/qda.sqlite --output $(OUT)/report.html
	@echo "reports written to $(OUT)/report.md and $(OUT)/report.html"

test:
	swift test

format:
	Scripts/format.sh

lint:
	Scripts/format.sh --lint-only

install:
	swift build -c release --product qda
	install -d $(PREFIX)/bin
	install .build/release/qda $(PREFIX)/bin/qda

bench:
	swift build -c release --product qda
	python3 Benchmarks/harness.py --sizes 10000,100000 --runs 3

bench-import:
	Benchmarks/import-benchmark.sh

check:
	swift run qda check Samples/qda.yml

completions:
	swift build -c release --product qda
	mkdir -p $(OUT)/completions
	for shell in bash zsh fish; do \
	  .build/release/qda --generate-completion-script $$shell > $(OUT)/completions/qda.$$shell; done

man:
	swift package --allow-writing-to-package-directory generate-manual --date 2026-01-01
	mkdir -p $(OUT)/man
	cp .build/plugins/GenerateManual/outputs/qda/qda.1 $(OUT)/man/qda.1
	@echo "man page written to $(OUT)/man/qda.1 (read it with: man -l $(OUT)/man/qda.1)"
