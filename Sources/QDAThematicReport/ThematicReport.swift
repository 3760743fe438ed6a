import QDACodebook
import QDACoding
import QDAReport
import QDAStore

/// The thematic report: the results section of a study, computed as a value
/// and rendered as Markdown or self-contained HTML.
///
/// It holds the dataset, per-theme tables with shares in words, the split
/// between themes, codes by month, crosstabs of attributes, co-occurrence,
/// exemplar quotes, informant counts for interview codes, agreement between
/// human coders, and the codebook's definitions.
public struct ThematicReport: Sendable {
  /// A source in the dataset.
  public struct SourceSummary: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var units: Int
  }

  /// A code's line in its theme's table.
  public struct CodeLine: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Units (cases or turns) coded.
    public var count: Int
    /// The units it is a share of.
    public var of: Int
    /// Documents (informants) that carry the code, for interview codes.
    public var documents: Int?
    /// How many documents there are.
    public var ofDocuments: Int?
    /// The share in words, as the study writes it.
    public var words: String
    /// The first month the code appears, when units have dates.
    public var firstMonth: String?
  }

  /// A theme with its codes.
  public struct ThemeSection: Sendable, Equatable {
    public var id: String
    public var name: String
    public var definition: String
    /// `case` or `turn`: what the theme's codes were applied to.
    public var unitKind: String
    /// Units with any code of the theme.
    public var count: Int
    public var of: Int
    public var codes: [CodeLine]
  }

  /// A quote.
  public struct QuoteLine: Sendable, Equatable {
    public var code: String
    public var text: String
    public var attribution: String
  }

  public var title: String
  public var version: String
  public var sources: [SourceSummary]
  public var unitsByKind: [(kind: String, units: Int)]
  public var dateRange: (first: String, last: String)?
  public var coders: [String]
  public var codebookID: String
  public var codebookVersion: String
  public var codebookHash: String
  public var themes: [ThemeSection]
  public var months: FrequencyTable?
  public var crosstabs: [Crosstab]
  public var cooccurrence: Cooccurrence
  public var quotes: [QuoteLine]
  public var agreement: AgreementReport?
  public var codebook: Codebook

  /// Computes the report.
  ///
  /// - Parameters:
  ///   - store: The database.
  ///   - codebook: The codebook of the `auto` codings.
  ///   - title: The report's title.
  ///   - version: The qda version, for the dataset section.
  ///   - quotesPerCode: How many quotes each code gets.
  /// - Throws: `StoreError`.
  public init(
    store: Store, codebook: Codebook, title: String, version: String,
    quotesPerCode: Int = 2
  ) throws {
    self.title = title
    self.version = version
    self.codebook = codebook
    codebookID = codebook.id
    codebookVersion = codebook.version
    codebookHash = codebook.contentHash
    let units = try store.exportedUnits(.init())
    var order: [String] = []
    var counts: [String: (kind: String, units: Int)] = [:]
    for unit in units {
      if counts[unit.source] == nil { order.append(unit.source) }
      counts[unit.source, default: (unit.kind, 0)].units += 1
    }
    sources = order.map {
      SourceSummary(
        name: $0, kind: counts[$0]?.kind ?? "", units: counts[$0]?.units ?? 0)
    }
    let kinds = Dictionary(grouping: units, by: \.kind).mapValues(\.count)
    unitsByKind = kinds.keys.sorted().map { ($0, kinds[$0] ?? 0) }
    let dates = units.compactMap(\.date).sorted()
    dateRange = dates.first.flatMap { first in dates.last.map { (first, $0) } }
    coders = try store.coders()

    // Themes: each counted over the kind of unit its codes were applied to.
    let codings = try store.exportedCodings(coder: "auto", filter: .init())
    let unitKind = Dictionary(
      uniqueKeysWithValues: units.map { ($0.id, $0.kind) })
    let unitSource = Dictionary(
      uniqueKeysWithValues: units.map { ($0.id, $0.source) })
    let unitMonth = Dictionary(
      uniqueKeysWithValues: units.map {
        ($0.id, $0.date.map { String($0.prefix(7)) })
      })
    var unitsOfCode: [String: Set<String>] = [:]
    for coding in codings {
      unitsOfCode[coding.code, default: []].insert(coding.unit)
    }
    var themes: [ThemeSection] = []
    for theme in codebook.themes {
      let coded = theme.codes.flatMap {
        Array(unitsOfCode[$0.qualifiedID] ?? [])
      }
      let kind =
        Dictionary(grouping: coded, by: { unitKind[$0] ?? "" }).max {
          $0.value.count < $1.value.count
        }?.key
        ?? "case"
      let inScope = units.filter { $0.kind == kind }
      let documents = Set(inScope.map(\.source)).count
      let lines = theme.codes.map { code -> CodeLine in
        let set = (unitsOfCode[code.qualifiedID] ?? []).filter {
          unitKind[$0] == kind
        }
        let months = set.compactMap { unitMonth[$0] ?? nil }.sorted()
        if kind == "turn" {
          let informants = Set(set.compactMap { unitSource[$0] }).count
          return CodeLine(
            id: code.qualifiedID, name: code.name, count: set.count,
            of: inScope.count,
            documents: informants, ofDocuments: documents,
            words: ShareInWords.informants(informants, of: documents),
            firstMonth: months.first)
        }
        return CodeLine(
          id: code.qualifiedID, name: code.name, count: set.count,
          of: inScope.count,
          documents: nil, ofDocuments: nil,
          words: ShareInWords.describe(set.count, of: inScope.count),
          firstMonth: months.first)
      }
      let any = Set(coded).filter { unitKind[$0] == kind }
      themes.append(
        ThemeSection(
          id: theme.id, name: theme.name, definition: theme.definition,
          unitKind: kind,
          count: any.count, of: inScope.count, codes: lines))
    }
    self.themes = themes
    let cases = UnitFilter(kinds: ["case"])
    months =
      dates.isEmpty
      ? nil
      : try FrequencyTable(
        store: store, by: .month, coder: "auto", filter: cases)
    // Crosstabs of attributes with few values (such as channel).
    var attributeValues: [String: Set<String>] = [:]
    var attributeOrder: [String] = []
    for unit in units where unit.kind == "case" {
      for attribute in unit.attributes {
        if attributeValues[attribute.name] == nil {
          attributeOrder.append(attribute.name)
        }
        attributeValues[attribute.name, default: []].insert(attribute.value)
      }
    }
    crosstabs = try attributeOrder.filter {
      (attributeValues[$0]?.count ?? 0) <= 12
    }.map {
      try Crosstab(
        store: store, columns: .attribute($0), coder: "auto", filter: cases)
    }
    cooccurrence = try Cooccurrence(
      store: store, coder: "auto", filter: .init())
    // Quotes.
    let selector = QuoteSelector(codebook: codebook)
    var quotes: [QuoteLine] = []
    for code in codebook.codes {
      let candidates = try store.codedUnits(
        code: code.qualifiedID, coder: "auto", filter: .init())
      quotes += selector.quotes(
        for: code.qualifiedID, among: candidates, limit: quotesPerCode
      ).map {
        QuoteLine(
          code: code.qualifiedID, text: $0.text, attribution: $0.attribution)
      }
    }
    self.quotes = quotes
    let humans = coders.filter { $0 != "auto" }
    agreement =
      humans.count >= 2
      ? try AgreementReport(store: store, coders: humans) : nil
  }
}

/// Shares put in words as qualitative studies write them.
public enum ShareInWords {
  static let numbers = [
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten",
  ]
  static let fractions: [(value: Double, words: String)] = [
    (1.0 / 2, "half"), (1.0 / 3, "a third"), (1.0 / 4, "a quarter"),
    (1.0 / 5, "a fifth"),
    (1.0 / 6, "a sixth"), (1.0 / 8, "an eighth"), (1.0 / 10, "a tenth"),
    (1.0 / 20, "one in twenty"),
  ]

  /// "only four cases", "nearly a third", "about a sixth", "just over a fifth".
  public static func describe(_ count: Int, of total: Int) -> String {
    guard total > 0 else { return "no cases" }
    if count == 0 { return "no cases" }
    if count <= 5 {
      return "only \(numbers[count]) case" + (count == 1 ? "" : "s")
    }
    if count == total { return "all cases" }
    let share = Double(count) / Double(total)
    if share > 0.75 { return "most cases" }
    guard
      let best = fractions.min(by: {
        abs(share - $0.value) / $0.value < abs(share - $1.value) / $1.value
      }),
      abs(share - best.value) / best.value <= 0.2
    else { return "\(Cell.percent(count, of: total).text)% of cases" }
    let error = (share - best.value) / best.value
    if abs(error) < 0.02 { return "about " + best.words }
    return (error < 0 ? "nearly " : "just over ") + best.words
  }

  /// "3 of 4 informants".
  public static func informants(_ count: Int, of total: Int) -> String {
    "\(count) of \(total) informant" + (total == 1 ? "" : "s")
  }
}
