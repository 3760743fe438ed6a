/// Units read for coding, a batch at a time, their texts in one buffer of
/// bytes.
///
/// `code auto` reads units on one thread, codes them on others and writes
/// their codings on a third. Handed over as ``StoredUnit``s, each text was
/// a string: validated and copied out of SQLite by the reader, retained and
/// released by the coding threads and freed by the writer. The reading
/// thread spent a third of its time on those strings. A batch copies each
/// text's bytes from where SQLite holds them into one buffer, and the coding
/// threads fold them from there (`TextIndex(utf8:)`): no string of a text is
/// made, and what crosses threads is a few arrays per batch, not a few
/// strings per unit (`code auto` of a million cases: 6–7 % less time and
/// CPU; see `Benchmarks/README.md`).
///
/// A class: the coding threads and the writer share one batch, read only.
/// Its arrays are read through ``withUnits(_:)``, which lends them once per
/// call: a retain of a shared array per unit would make the coding threads
/// contend for its reference count.
///
/// ## Topics
///
/// - ``count``
/// - ``id(at:)``
/// - ``withUnits(_:)``
/// - ``units``
/// - ``Units``
public final class UnitBatch: Sendable {
  /// One unit: its strings, and where its texts, question and attributes
  /// lie in the batch's arrays.
  struct Entry {
    var id: String
    var kind: String
    var role: String?
    /// Its texts, by index in `fields`.
    var fields: Range<Int>
    /// Its question's bytes in `bytes`, if it answers one.
    var question: Range<Int>?
    /// Its attributes, by index in `attributes`.
    var attributes: Range<Int>
  }

  /// A text: its field's name and where its bytes lie.
  struct Field {
    var name: String
    var bytes: Range<Int>
  }

  // Constants: a variable of a class is checked for exclusive access at
  // run time, on every use (perf: a sixteenth of the reading thread, when
  // the batch was filled in place).
  private let entries: [Entry]
  /// Each text's field name and its bytes in `bytes`.
  private let fields: [Field]
  /// The attributes the units were read with.
  private let attributes: [(name: String, value: String)]
  /// Every text's UTF-8, one after another.
  private let bytes: [UInt8]
  /// Each unit's values of the tally's groupings, `groupCount` per unit.
  private let groupValues: [String?]
  /// How many grouping values each unit has.
  let groupCount: Int

  /// The batch `builder` filled.
  init(_ builder: consuming Builder) {
    entries = builder.entries
    fields = builder.fields
    attributes = builder.attributes
    bytes = builder.bytes
    groupValues = builder.groupValues
    groupCount = builder.groupCount
  }

  /// A batch of `units`, without grouping values.
  public convenience init(_ units: [StoredUnit]) {
    var builder = Builder(groupCount: 0, capacity: units.count)
    for unit in units {
      var question = unit.question
      let questionBytes = question?.withUTF8 { Array($0) }
      builder.begin(
        id: unit.id, kind: unit.kind, role: unit.role,
        question: questionBytes, attributes: unit.attributes, groups: [])
      for (name, text) in unit.texts {
        var text = text
        text.withUTF8 { builder.appendText(field: name, utf8: $0) }
      }
    }
    self.init(builder)
  }

  /// Fills a batch, a unit at a time, on the reading thread.
  struct Builder {
    fileprivate var entries: [Entry] = []
    fileprivate var fields: [Field] = []
    fileprivate var attributes: [(name: String, value: String)] = []
    fileprivate var bytes: [UInt8] = []
    fileprivate var groupValues: [String?] = []
    /// How many grouping values each unit has.
    let groupCount: Int

    /// An empty batch, with room for `capacity` units of `groupCount`
    /// grouping values each.
    init(groupCount: Int, capacity: Int) {
      self.groupCount = groupCount
      entries.reserveCapacity(capacity)
      fields.reserveCapacity(2 * capacity)
      groupValues.reserveCapacity(groupCount * capacity)
      bytes.reserveCapacity(256 * capacity)
    }

    /// How many units it holds.
    var count: Int { entries.count }

    /// Begins a unit, whose texts follow (``appendText(field:utf8:)``).
    ///
    /// - Parameters:
    ///   - id: The unit's id.
    ///   - kind: Its kind.
    ///   - role: Its speaker's role, for turns.
    ///   - question: The UTF-8 of the question it answers, if any.
    ///   - attributes: The attributes it has of those read.
    ///   - groups: Its values of the tally's groupings first; any after
    ///     those are left out, and any missing are `nil`.
    mutating func begin(
      id: String, kind: String, role: String?, question: [UInt8]?,
      attributes: [(name: String, value: String)], groups: [String?]
    ) {
      let questionRange = question.map { question in
        let start = bytes.count
        bytes += question
        return start..<bytes.count
      }
      let firstAttribute = self.attributes.count
      self.attributes += attributes
      entries.append(
        Entry(
          id: id, kind: kind, role: role, fields: fields.count..<fields.count,
          question: questionRange,
          attributes: firstAttribute..<self.attributes.count))
      for index in 0..<groupCount {
        groupValues.append(index < groups.count ? groups[index] : nil)
      }
    }

    /// Adds a text, whose UTF-8 is `text`, to the unit begun last.
    mutating func appendText(
      field: String, utf8 text: UnsafeBufferPointer<UInt8>
    ) {
      let start = bytes.count
      bytes.append(contentsOf: text)
      fields.append(Field(name: field, bytes: start..<bytes.count))
      entries[entries.count - 1].fields =
        entries[entries.count - 1].fields.lowerBound..<fields.count
    }

    /// The id of the unit begun last, if any.
    var lastID: String? { entries.last?.id }

    /// The role of the unit begun last.
    var lastRole: String? { entries.last?.role }

    /// The texts of the unit begun last, one after another, with
    /// `separator` between them.
    func lastTexts(joinedBy separator: UInt8) -> [UInt8] {
      guard let last = entries.last else { return [] }
      var joined: [UInt8] = []
      for (offset, field) in fields[last.fields].enumerated() {
        if offset > 0 { joined.append(separator) }
        joined += bytes[field.bytes]
      }
      return joined
    }
  }

  /// How many units the batch holds.
  public var count: Int { entries.count }

  /// The id of the unit at `index`.
  public func id(at index: Int) -> String { entries[index].id }

  /// The values of the tally's groupings of the unit at `index`.
  func groups(at index: Int) -> ArraySlice<String?> {
    groupValues[groupCount * index..<groupCount * (index + 1)]
  }

  /// The units, each made anew as a ``StoredUnit``.
  public var units: [StoredUnit] {
    withUnits { units in (0..<units.count).map { units.unit(at: $0) } }
  }

  /// Calls `body` with the units, lent for the call.
  public func withUnits<Result>(_ body: (Units) -> Result) -> Result {
    entries.withUnsafeBufferPointer { entries in
      fields.withUnsafeBufferPointer { fields in
        attributes.withUnsafeBufferPointer { attributes in
          bytes.withUnsafeBufferPointer { bytes in
            body(
              Units(
                entries: entries, fields: fields, attributes: attributes,
                bytes: bytes))
          }
        }
      }
    }
  }

  /// The units of a batch, lent by ``UnitBatch/withUnits(_:)``: valid
  /// only during that call.
  public struct Units {
    fileprivate let entries: UnsafeBufferPointer<Entry>
    fileprivate let fields: UnsafeBufferPointer<Field>
    fileprivate let attributes:
      UnsafeBufferPointer<(name: String, value: String)>
    fileprivate let bytes: UnsafeBufferPointer<UInt8>

    /// How many units there are.
    public var count: Int { entries.count }

    /// The kind of the unit at `index`.
    public func kind(at index: Int) -> String { entries[index].kind }

    /// The speaker's role of the unit at `index`, for turns.
    public func role(at index: Int) -> String? { entries[index].role }

    /// The attributes of the unit at `index` that the units were read with.
    public func attributes(at index: Int) -> [(name: String, value: String)] {
      Array(attributes[entries[index].attributes])
    }

    /// How many texts the unit at `index` has.
    public func textCount(at index: Int) -> Int { entries[index].fields.count }

    /// The field name of text `text` of the unit at `index`.
    public func fieldName(_ text: Int, at index: Int) -> String {
      fields[entries[index].fields.lowerBound + text].name
    }

    /// The UTF-8 of text `text` of the unit at `index`.
    public func text(_ text: Int, at index: Int) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(
        rebasing: bytes[fields[entries[index].fields.lowerBound + text].bytes])
    }

    /// The UTF-8 of the question the unit at `index` answers, if any.
    public func question(at index: Int) -> UnsafeBufferPointer<UInt8>? {
      entries[index].question.map { UnsafeBufferPointer(rebasing: bytes[$0]) }
    }

    /// The unit at `index`, made anew.
    public func unit(at index: Int) -> StoredUnit {
      StoredUnit(
        id: entries[index].id, kind: kind(at: index), role: role(at: index),
        texts: (0..<textCount(at: index)).map {
          (
            fieldName($0, at: index),
            String(decoding: text($0, at: index), as: UTF8.self)
          )
        },
        question: question(at: index).map {
          String(decoding: $0, as: UTF8.self)
        },
        attributes: attributes(at: index))
    }
  }
}
