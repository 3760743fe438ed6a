import ArgumentParser

/// The `qda` command: qualitative thematic analysis from the shell.
@main
struct QDA: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "qda",
    abstract:
      "Import qualitative data, code it with a theme codebook, and count the themes.",
    discussion: """
      Every command keeps its data in an SQLite database (--db, default ./qda.sqlite or \
      $QDA_DB). Exit codes: 0 success, 1 a check failed, 64 bad usage, 65 bad input data, \
      66 input file missing, 74 I/O error. A failed command changes nothing in the database.
      """,
    version: QDAVersion.current,
    subcommands: [
      Import.self, Codebook.self, Code.self, Freq.self, Find.self, Quotes.self,
      Uncoded.self, Agree.self, Crosstab.self, Cooccur.self, ReportCommand.self,
      Run.self, Check.self, Diff.self, Backup.self, Purge.self, Redact.self,
      Export.self,
    ]
  )
}
