import QDAAgreement
import QDAStore

/// Inter-coder agreement per code and overall.
///
/// For each code, every unit in scope is a binary decision per coder: the
/// code is present or absent. Per code: the units, percent agreement (as a
/// proportion), Cohen's kappa for two coders or Fleiss' kappa for more, and
/// Krippendorff's alpha (nominal). `overall` pools every unit × code decision.
/// When one of two coders is `auto`, precision, recall and F1 of `auto`
/// against the other coder are added. Undefined values are `null` in JSON and
/// `n/a` in the other formats. Numbers have four decimals.
public struct AgreementReport: Report {
  /// The statistics of one code, or of all pooled.
  public struct Statistics: Sendable, Equatable {
    /// The code, or `overall`.
    public var code: String
    /// The decisions counted: units (per code) or unit × code pairs (overall).
    public var units: Int
    /// The share of decisions all coders agree on.
    public var agreement: Double?
    /// Cohen's kappa (two coders) or Fleiss' kappa (more).
    public var kappa: Double?
    /// Krippendorff's alpha, nominal.
    public var alpha: Double?
    /// How many units each coder applied the code to, in coder order.
    public var present: [Int]
    /// Precision of `auto` against the human coder.
    public var precision: Double?
    /// Recall of `auto` against the human coder.
    public var recall: Double?
    /// F1 of `auto` against the human coder.
    public var f1: Double?
  }

  /// The coders compared.
  public var coders: [String]
  /// The units in scope.
  public var units: Int
  /// Per code, codebook order.
  public var codes: [Statistics]
  /// All decisions pooled.
  public var overall: Statistics
  /// Whether precision/recall columns are shown (one coder is `auto`).
  public var comparesAuto: Bool

  /// Computes agreement from the store.
  ///
  /// - Throws: `StoreError`.
  public init(store: Store, coders: [String], filter: UnitFilter = .init())
    throws
  {
    self.init(data: try store.agreementData(coders: coders, filter: filter))
  }

  /// Computes agreement from coding data.
  public init(data: AgreementData) {
    coders = data.coders
    units = data.units.count
    let autoIndex =
      data.coders.count == 2 ? data.coders.firstIndex(of: "auto") : nil
    comparesAuto = autoIndex != nil
    func decisions(_ code: String) -> [[Bool]] {
      data.codings.map { byUnit in
        data.units.map { byUnit[$0]?.contains(code) ?? false }
      }
    }
    var pooled: [[Bool]] = data.coders.map { _ in [] }
    var rows: [Statistics] = []
    for code in data.codes {
      let matrix = decisions(code)
      for index in pooled.indices { pooled[index] += matrix[index] }
      rows.append(Self.statistics(code, matrix, autoIndex: autoIndex))
    }
    codes = rows
    overall = Self.statistics("overall", pooled, autoIndex: autoIndex)
  }

  static func statistics(_ code: String, _ matrix: [[Bool]], autoIndex: Int?)
    -> Statistics
  {
    let labels = matrix.map { $0.map { $0 ? "1" : "0" } }
    let count = matrix.first?.count ?? 0
    var kappa: Double?
    if matrix.count == 2 {
      kappa = Agreement.cohenKappa(labels[0], labels[1])
    } else if matrix.count > 2, count > 0 {
      kappa = Agreement.fleissKappa(
        ratings: (0..<count).map { unit in labels.map { $0[unit] } })
    }
    var statistics = Statistics(
      code: code, units: count,
      agreement: Agreement.percentAgreement(
        labels.map { $0.map(Optional.some) }),
      kappa: kappa,
      alpha: Agreement.krippendorffAlpha(labels.map { $0.map(Optional.some) }),
      present: matrix.map { $0.filter { $0 }.count })
    if let autoIndex {
      let auto = matrix[autoIndex]
      let human = matrix[1 - autoIndex]
      let truePositives = zip(auto, human).filter { $0 && $1 }.count
      let predicted = auto.filter { $0 }.count
      let actual = human.filter { $0 }.count
      statistics.precision =
        predicted == 0 ? nil : Double(truePositives) / Double(predicted)
      statistics.recall =
        actual == 0 ? nil : Double(truePositives) / Double(actual)
      statistics.f1 =
        predicted + actual == 0
        ? nil : Double(2 * truePositives) / Double(predicted + actual)
    }
    return statistics
  }

  // MARK: - Report

  private func cells(_ row: Statistics) -> [Cell] {
    var cells: [Cell] = [
      .text(row.code), .integer(row.units), .decimal(row.agreement),
      .decimal(row.kappa),
      .decimal(row.alpha),
    ]
    cells += row.present.map(Cell.integer)
    if comparesAuto {
      cells += [
        .decimal(row.precision), .decimal(row.recall), .decimal(row.f1),
      ]
    }
    return cells
  }

  public var table: ReportTable {
    var columns: [ReportTable.Column] = [
      .init("code"), .init("units", isNumeric: true),
      .init("agreement", isNumeric: true),
      .init("kappa", isNumeric: true), .init("alpha", isNumeric: true),
    ]
    columns += coders.map { .init("present:" + $0, isNumeric: true) }
    if comparesAuto {
      columns += ["precision", "recall", "f1"].map {
        .init($0, isNumeric: true)
      }
    }
    return ReportTable(
      columns: columns, rows: codes.map(cells), footer: [cells(overall)])
  }

  private func json(_ row: Statistics, includesCode: Bool) -> JSONValue {
    var members: [(String, JSONValue)] = []
    if includesCode { members.append(("code", .string(row.code))) }
    members += [
      ("units", .integer(row.units)),
      ("agreement", Cell.decimal(row.agreement).json),
      ("kappa", Cell.decimal(row.kappa).json),
      ("alpha", Cell.decimal(row.alpha).json),
      ("present", .object(zip(coders, row.present).map { ($0, .integer($1)) })),
    ]
    if comparesAuto {
      members += [
        ("precision", Cell.decimal(row.precision).json),
        ("recall", Cell.decimal(row.recall).json),
        ("f1", Cell.decimal(row.f1).json),
      ]
    }
    return .object(members)
  }

  public var json: JSONValue {
    .object([
      ("coders", .array(coders.map(JSONValue.string))),
      ("units", .integer(units)),
      ("codes", .array(codes.map { json($0, includesCode: true) })),
      ("overall", json(overall, includesCode: false)),
    ])
  }
}

/// The units where coders differ, with each coder's codes.
public struct DisagreementReport: Report {
  /// One unit.
  public struct Row: Sendable, Equatable {
    /// The unit id.
    public var unit: String
    /// Each coder's codes on the unit, sorted, in coder order.
    public var codes: [[String]]
  }

  /// The coders compared.
  public var coders: [String]
  /// The units where their codes differ, in document order.
  public var rows: [Row]

  /// Finds the disagreements in coding data.
  public init(data: AgreementData) {
    coders = data.coders
    let order = Dictionary(
      uniqueKeysWithValues: data.codes.enumerated().map { ($1, $0) })
    rows = data.units.compactMap { unit in
      let sets = data.codings.map { $0[unit] ?? [] }
      guard Set(sets).count > 1 else { return nil }
      return Row(
        unit: unit,
        codes: sets.map {
          $0.sorted { (order[$0] ?? .max, $0) < (order[$1] ?? .max, $1) }
        })
    }
  }

  public var table: ReportTable {
    ReportTable(
      columns: [.init("unit")] + coders.map { .init($0) },
      rows: rows.map { row in
        [.text(row.unit)] + row.codes.map { .text($0.joined(separator: "; ")) }
      })
  }

  public var json: JSONValue {
    .object([
      ("coders", .array(coders.map(JSONValue.string))),
      (
        "disagreements",
        .array(
          rows.map { row in
            .object([
              ("unit", .string(row.unit)),
              (
                "codes",
                .object(
                  zip(coders, row.codes).map {
                    ($0, .array($1.map(JSONValue.string)))
                  })
              ),
            ])
          })
      ),
    ])
  }
}
