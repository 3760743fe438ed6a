import ArgumentParser
import QDAStore

extension QDA {
  /// `qda purge --source NAME`: removes a source so that none of it remains.
  struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "purge",
      abstract:
        "Remove a source, its units and their codings from the database file.",
      discussion: """
        For data that must go (a participant withdraws, a file was imported by mistake). \
        The source, its units, texts, attributes and every coding of them are deleted, the \
        full-text index is merged, and the file is vacuumed and its WAL truncated, so the \
        text is gone from the file, not just hidden. Backups made before keep it.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "The source to remove (as 'qda import' named it).")
    var source: String

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let summary = try store.purge(source: source)
        logging.say(
          "purged '\(source)': \(plural(summary.units, "unit")), \(plural(summary.codings, "coding"))"
        )
      }
    }
  }
}
