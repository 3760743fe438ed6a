import ArgumentParser
import QDAStore
import QDAThematicReport

extension QDA {
  /// `qda report --format html|markdown --output FILE`: the thematic report.
  struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract:
        "Write the thematic report: dataset, themes, trends, crosstabs, quotes, agreement, codebook.",
      discussion: """
        From the database and the codebook of the auto codings (--codebook to name it). \
        HTML is one self-contained file (inline CSS and SVG charts, no script, no network); \
        Markdown is plain GitHub-flavoured Markdown with the same tables. The same database \
        gives the same bytes.
        """)

    /// The report formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
      case html, markdown
    }

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "The format: html or markdown.")
    var format: Format = .html

    @Option(help: "The file to write (default: standard output).")
    var output: String?

    @Option(help: "The report's title (default: the codebook's title).")
    var title: String?

    @Option(help: "The codebook (default: the one applied last).")
    var codebook: String?

    @Option(help: "Quotes per code.")
    var quotes: Int = 2

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let loaded = try currentCodebook(codebook, store: store)
        let report = try ThematicReport(
          store: store, codebook: loaded, title: title ?? loaded.title,
          version: QDAVersion.current, quotesPerCode: quotes)
        try writeOutput(
          format == .html ? report.html() : report.markdown(), to: output)
      }
    }
  }
}
