import ArgumentParser
import QDAStore

extension QDA {
  /// `qda backup FILE`: a consistent copy of a database, even a live one.
  struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "backup",
      abstract: "Write a consistent copy of the database.",
      discussion: """
        The copy is read from one snapshot with SQLite's VACUUM INTO, so it is consistent \
        even while another qda writes; it is checked, created with mode 0600, and appears \
        at FILE only when complete. Never copy a live database file by hand: its WAL may \
        hold committed work.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Argument(help: "The copy to write.")
    var file: String

    @Flag(help: "Replace FILE if it exists.")
    var force = false

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        try store.backup(to: file, overwrite: force)
        logging.say("backed up \(database.resolvedPath) to \(file)")
      }
    }
  }
}
