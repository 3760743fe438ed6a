import ArgumentParser
import QDAReport
import QDAStore

extension QDA {
  /// `qda find QUERY`: full-text search with keyword in context.
  struct Find: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "find",
      abstract: "Search all units' texts and show each match in context.",
      discussion: """
        The query is SQLite FTS5 syntax: words, "a phrase", prefix*, AND, OR, NOT. Case, \
        Latin accents and ё/е do not matter; English and Russian are both tokenized by \
        Unicode rules. Matches are listed in document order, one line each.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Argument(help: "The search query.")
    var query: String

    @Option(help: "Only units coded with this code.")
    var code: String?

    @Option(help: "Whose codings --code refers to.")
    var coder: String = "auto"

    @Option(help: "Only turns by this speaker.")
    var speaker: String?

    @Option(help: "Characters of context on each side of a match.")
    var width: Int = 40

    @Option(help: "Show at most this many matches.")
    var limit: Int?

    func validate() throws {
      if query.trimmingCharacters(in: .whitespaces).isEmpty {
        throw ValidationError("The query is empty.")
      }
      if width < 0 { throw ValidationError("--width must not be negative.") }
    }

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        do {
          // Written as the hits are read: memory stays flat however many
          // texts match.
          try output.stream(
            columns: KeywordInContext.columns,
            jsonMembers: [("query", .string(query))], jsonRowsKey: "matches"
          ) { writer in
            var written = (pass: 0, lines: 0)
            try store.search(
              query, filter: scope.filter, code: code, coder: .coder(coder),
              speaker: speaker, limit: limit, passes: writer.passes
            ) { pass, hit in
              if pass != written.pass { written = (pass, 0) }
              for line in KeywordInContext.lines(of: hit, width: width) {
                if let limit, written.lines >= limit { return }
                try writer.add(line.cells, pass: pass)
                written.lines += 1
              }
            }
          }
        } catch let error as SearchQueryError {
          printError(error.description)
          throw ExitCode(ExitStatus.usage)
        }
      }
    }
  }
}
