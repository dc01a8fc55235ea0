import Foundation

/// Word lists for believable names.
enum Names {
    static let genres = [
        "indie pop", "dream pop", "shoegaze", "synthwave", "post-punk", "art rock", "alt-country", "neo soul",
        "jazz fusion", "bossa nova", "afrobeat", "k-pop", "city pop", "trip hop", "drum and bass", "deep house",
        "techno", "ambient", "modern classical", "folk", "bluegrass", "grunge", "emo", "hip hop", "lo-fi beats",
        "r&b", "reggae", "latin pop", "flamenco", "chamber pop",
    ]

    static let users: [(id: String, name: String, country: String, product: String)] = [
        ("maya", "Maya Okafor", "GB", "premium"),
        ("jonas", "Jonas Lindqvist", "SE", "premium"),
        ("priya", "Priya Raman", "IN", "free"),
        ("lucas", "Lucas Moreau", "FR", "premium"),
        ("sofia", "Sofía Herrera", "MX", "premium"),
    ]

    private static let adjectives = [
        "Velvet", "Neon", "Quiet", "Golden", "Electric", "Paper", "Silver", "Hollow", "Crimson", "Wild", "Northern",
        "Lunar", "Static", "Broken", "Gentle", "Midnight", "Glass", "Coastal", "Burning", "Faded", "Secret", "Violet",
        "Restless", "Distant", "Sugar", "Iron", "Little", "Endless", "Rusty", "Pale",
    ]
    private static let nouns = [
        "Harbor", "Foxes", "Satellites", "Lanterns", "Rivers", "Horses", "Parade", "Machines", "Orchard", "Tides",
        "Echoes", "Comets", "Wolves", "Gardens", "Signals", "Mirrors", "Pilots", "Ghosts", "Sparrows", "Cities",
        "Islands", "Engines", "Saints", "Waves", "Bandits", "Owls", "Fireflies", "Strangers", "Radios", "Kites",
    ]
    private static let firstNames = [
        "Ada", "Milo", "Nina", "Oscar", "Lena", "Theo", "Iris", "Felix", "Clara", "Ezra", "Mira", "Jules", "Rosa",
        "Arlo", "Zoe", "Kai", "Elsa", "Remy", "Luz", "Otis", "Yara", "Hugo", "Noor", "Silas",
    ]
    private static let lastNames = [
        "Vale", "Marsh", "Reyes", "Holm", "Castell", "Quinn", "Abara", "Sato", "Novak", "Berg", "Delacroix", "Moss",
        "Okoro", "Lund", "Ferrer", "Kim", "Rivera", "Hart", "Ibsen", "Amari",
    ]
    private static let titleWords = [
        "Summer", "Heart", "Light", "Night", "Ocean", "Fire", "Home", "Dreams", "Rain", "Stars", "Gold", "Shadows",
        "Morning", "Wires", "Silence", "Highway", "Letters", "Skin", "Weather", "Honey", "Thunder", "Windows",
        "Bloom", "Gravity", "Lights", "Static", "Heaven", "Salt", "Fever", "Tonight",
    ]
    private static let titlePatterns = [
        "%@ %@", "The %@ of %@", "%@ in the %@", "Another %@", "%@ Again", "Chasing %@", "%@ & %@", "No More %@",
        "All the %@", "%@ (Reprise)", "Under the %@", "%@ Song", "Before the %@", "%@ for You",
    ]

    static func artist(using random: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: "The \(adjectives.randomElement(using: &random)!) \(nouns.randomElement(using: &random)!)"
        case 1: "\(firstNames.randomElement(using: &random)!) \(lastNames.randomElement(using: &random)!)"
        case 2: "\(adjectives.randomElement(using: &random)!) \(nouns.randomElement(using: &random)!)"
        default: "\(firstNames.randomElement(using: &random)!) & the \(nouns.randomElement(using: &random)!)"
        }
    }

    static func album(using random: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: "\(adjectives.randomElement(using: &random)!) \(titleWords.randomElement(using: &random)!)"
        case 1: title(using: &random)
        default: "\(nouns.randomElement(using: &random)!) of \(titleWords.randomElement(using: &random)!)"
        }
    }

    static func track(using random: inout SeededGenerator) -> String {
        Int.random(in: 0..<3, using: &random) == 0
            ? "\(adjectives.randomElement(using: &random)!) \(titleWords.randomElement(using: &random)!)"
            : title(using: &random)
    }

    private static func title(using random: inout SeededGenerator) -> String {
        let pattern = titlePatterns.randomElement(using: &random)!
        var result = ""
        var remainder = Substring(pattern)
        while let range = remainder.range(of: "%@") {
            result += remainder[..<range.lowerBound]
            result += titleWords.randomElement(using: &random)!
            remainder = remainder[range.upperBound...]
        }
        return result + remainder
    }

    static func isrc(year: Int, using random: inout SeededGenerator) -> String {
        let countries = ["US", "GB", "SE", "DE", "FR", "JP", "QZ"]
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let registrant = String((0..<3).map { _ in letters.randomElement(using: &random)! })
        return countries.randomElement(using: &random)! + registrant
            + String(format: "%02d%05d", year % 100, Int.random(in: 0..<100_000, using: &random))
    }
}
