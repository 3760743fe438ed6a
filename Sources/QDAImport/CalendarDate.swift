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
    let trimmed = text.trimmingASCIIWhitespace()
    let parts: [Substring]
    let order: (year: Int, month: Int, day: Int)
    if trimmed.contains("-") {
      parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
      guard parts.count == 3, parts[0].count == 4,
        (1...2).contains(parts[1].count),
        (1...2).contains(parts[2].count)
      else { return nil }
      order = (0, 1, 2)
    } else {
      parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
      guard parts.count == 3, parts[2].count == 4,
        (1...2).contains(parts[1].count),
        (1...2).contains(parts[0].count)
      else { return nil }
      order = (2, 1, 0)
    }
    guard parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let year = Int(parts[order.year]), let month = Int(parts[order.month]),
      let day = Int(parts[order.day])
    else { return nil }
    guard (1...12).contains(month), day >= 1,
      day <= Self.days(inMonth: month, year: year)
    else { return nil }
    self.year = year
    self.month = month
    self.day = day
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
    pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
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
