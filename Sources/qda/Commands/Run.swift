import ArgumentParser
import Foundation
import QDAProject
import QDAStore

extension QDA {
  /// `qda run [qda.yml]`: the whole pipeline a project file describes.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract:
        "Run the analysis a project file describes: import, code, write the outputs.",
      discussion: """
        Imports the sources whose content changed, re-codes when data, codebook or qda \
        changed, re-reads coders' files that changed, and writes every output whose content \
        changed. A second run with nothing changed does no work and changes no file. \
        --dry-run says what would happen and changes nothing.
        """)

    @Argument(help: "The project file.")
    var project: String = "qda.yml"

    @Flag(help: "Say what would be done without doing it.")
    var dryRun = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
      try reportingFailures {
        let runner = try ProjectRunner(
          path: project, version: QDAVersion.current)
        let log: (String) -> Void = { line in logging.detail(line) }
        let outcome: ProjectRunner.Outcome
        if dryRun {
          let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("qda-dry-\(UUID().uuidString)")
          try FileManager.default.createDirectory(
            at: scratch, withIntermediateDirectories: true)
          defer { try? FileManager.default.removeItem(at: scratch) }
          let copy = scratch.appendingPathComponent("qda.sqlite").path
          for suffix in ["", "-wal"]
          where FileManager.default.fileExists(
            atPath: runner.databasePath + suffix)
          {
            try FileManager.default.copyItem(
              atPath: runner.databasePath + suffix, toPath: copy + suffix)
          }
          let store = try Store.open(path: copy, create: true)
          defer { store.close() }
          outcome = try runner.run(
            on: store, writesOutputs: false, log: log,
            progress: { logging.progress($0).sink })
        } else {
          try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: runner.databasePath)
              .deletingLastPathComponent(),
            withIntermediateDirectories: true)
          outcome = try Store.withWritable(at: runner.databasePath) { store in
            try runner.run(
              on: store, writesOutputs: true, log: log,
              progress: { logging.progress($0).sink })
          }
        }
        if !logging.quiet {
          let verb = dryRun ? "would " : ""
          printError(
            "\(dryRun ? "dry run: " : "")\(verb)import \(outcome.imported.count) changed sources, "
              + (outcome.recoded ? "\(verb)re-code, " : "no re-coding, ")
              + "\(verb)update \(outcome.codersUpdated.count) coders, \(verb)write \(outcome.written.count) of \(outcome.written.count + outcome.unchanged.count) outputs"
          )
          if dryRun {
            for path in outcome.written { printError("  would write \(path)") }
          }
        }
      }
    }
  }

  /// `qda check [qda.yml]`: the project's quality gates.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract:
        "Check that outputs are current, the codebook lints, and the gates hold; exit 1 if not.",
      discussion: """
        Prints one line per failure: an output that differs from what 'qda run' would write \
        now (data, codebook, manual codings or qda changed), a codebook error, or a failed \
        gate (agreement per code between coders, the share of units without a code, codes \
        that must occur). Changes nothing: the run happens on a copy of the database.
        """)

    @Argument(help: "The project file.")
    var project: String = "qda.yml"

    @OptionGroup var logging: LoggingOptions

    func run() throws {
      try reportingFailures {
        let runner = try ProjectRunner(
          path: project, version: QDAVersion.current)
        logging.detail(
          "running '\(project)' on a copy of \(runner.databasePath)")
        let failures = try ProjectChecker(runner: runner).failures()
        guard failures.isEmpty else {
          for failure in failures {
            FileHandle.standardOutput.write(Data((failure + "\n").utf8))
          }
          throw ExitCode(ExitStatus.checkFailed)
        }
        logging.say("\(project): ok: outputs are current and every gate holds")
      }
    }
  }
}
