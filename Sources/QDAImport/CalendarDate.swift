/// A calendar date without a time, as work reports give it.
public struct CalendarDate: Sendable, Hashable, Comparable,
  CustomStringConvertible
{
  /// The year, such as 2020.
  public var year: Int
  /// The month, 1...12.
  public var month: Int
  /// The day of the month, 1...31.
  public var day: Int

  /// Parses `YYYY-MM-DD` or `DD.MM.YYYY` (day and month may have one digit).
  ///
  /// Returns `nil` for any other form and for dates not on the calendar
  /// (`2020-02-30`).
  public init?(parsing text: String) {
    var text = text
    guard let (year, month, day) = text.withUTF8(Self.fields(of:)),
      (1...12).contains(month), day >= 1,
      day <= Self.days(inMonth: month, year: year)
    else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  /// Year, month and day from `YYYY-MM-DD` or `DD.MM.YYYY` in UTF-8, with
  /// ASCII spaces and tabs around; `nil` for any other form.
  ///
  /// Read byte by byte: every byte between the separators must be an ASCII
  /// digit, so a non-ASCII character anywhere refuses the text.
  private static func fields(of bytes: UnsafeBufferPointer<UInt8>)
    -> (year: Int, month: Int, day: Int)?
  {
    var start = 0
    var end = bytes.count
    while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 {
      start += 1
    }
    while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 {
      end -= 1
    }
    let isISO = bytes[start..<end].contains(0x2D)
    let separator: UInt8 = isISO ? 0x2D : 0x2E
    var values = (0, 0, 0)
    var lengths = (0, 0, 0)
    var field = 0
    for byte in bytes[start..<end] {
      if byte == separator {
        field += 1
        guard field < 3 else { return nil }
        continue
      }
      guard byte >= 0x30, byte <= 0x39 else { return nil }
      let digit = Int(byte - 0x30)
      switch field {
      case 0: (values.0, lengths.0) = (values.0 * 10 + digit, lengths.0 + 1)
      case 1: (values.1, lengths.1) = (values.1 * 10 + digit, lengths.1 + 1)
      default: (values.2, lengths.2) = (values.2 * 10 + digit, lengths.2 + 1)
      }
      // No field may be longer than a year.
      guard lengths.0 <= 4, lengths.1 <= 4, lengths.2 <= 4 else { return nil }
    }
    guard field == 2, (1...2).contains(lengths.1) else { return nil }
    if isISO {
      guard lengths.0 == 4, (1...2).contains(lengths.2) else { return nil }
      return (values.0, values.1, values.2)
    }
    guard lengths.2 == 4, (1...2).contains(lengths.0) else { return nil }
    return (values.2, values.1, values.0)
  }

  /// The number of days in a month of the proleptic Gregorian calendar.
  static func days(inMonth month: Int, year: Int) -> Int {
    switch month {
    case 2:
      return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// The ISO 8601 form, `YYYY-MM-DD`.
  public var description: String {
    guard (0...9999).contains(year), (1...12).contains(month),
      (1...31).contains(day)
    else { return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }
    // Every imported row's date is written so: its ten bytes at once.
    return String(unsafeUninitializedCapacity: 10) { bytes in
      func put(_ value: Int, at end: Int, width: Int) {
        var value = value
        for offset in stride(from: end - 1, through: end - width, by: -1) {
          bytes[offset] = UInt8(ascii: "0") + UInt8(value % 10)
          value /= 10
        }
      }
      put(year, at: 4, width: 4)
      bytes[4] = UInt8(ascii: "-")
      put(month, at: 7, width: 2)
      bytes[7] = UInt8(ascii: "-")
      put(day, at: 10, width: 2)
      return 10
    }
  }

  public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }
}

private func pad(_ value: Int, _ width: Int) -> String {
  let digits = String(value)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

extension String {
  /// The string without leading and trailing ASCII spaces and tabs.
  func trimmingASCIIWhitespace() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first == " " || first == "\t" {
      scalars.removeFirst()
    }
    while let last = scalars.last, last == " " || last == "\t" {
      scalars.removeLast()
    }
    return String(scalars)
  }
}
