import ArgumentParser
import QDACodebook

extension QDA.Codebook {
  /// `qda codebook lint FILE`: validates a codebook.
  struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "lint",
      abstract:
        "Check a codebook for errors and test its examples against its rules.",
      discussion: """
        Reports YAML errors, unknown fields, duplicate ids, invalid patterns and regular \
        expressions, and codes without a definition or rules as FILE:LINE:COL: error: …; \
        examples the rules miss, and counterexamples they code, as warnings. Exits 65 when \
        there are errors.
        """)

    @Argument(help: "The codebook YAML file.")
    var file: String

    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    func run() throws {
      try reportingFailures {
        let (codebook, diagnostics) = try QDACodebook.Codebook.lint(path: file)
        for diagnostic in diagnostics { printError(diagnostic.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        guard let codebook, errors == 0, !(strict && warnings > 0) else {
          printError(
            "\(file): \(plural(errors, "error")), \(plural(warnings, "warning"))"
          )
          throw ExitCode(ExitStatus.dataError)
        }
        let rules = codebook.codes.reduce(0) { $0 + $1.rules.count }
        logging.say(
          "\(file): ok: \(codebook.themes.count) themes, \(codebook.codes.count) codes, "
            + "\(rules) rules, \(plural(warnings, "warning"))")
      }
    }
  }
}
