/// A buyer of the simulated shop: the web app's `User` row and the PortOne `customer`.
public struct GeneratedUser: Sendable, Hashable {
    /// The app's user id (a cuid, as Prisma makes them).
    public var id: String
    /// Email address.
    public var email: String
    /// Korean full name.
    public var name: String
    /// Mobile phone number.
    public var phone: String
    /// When the user signed up.
    public var createdAt: Timestamp

    /// Deterministic user number `index` of the pool for `seed`, signed up before `before`.
    public static func make(seed: UInt64, index: Int, before: Timestamp) -> GeneratedUser {
        var rng = SeededRandom(seed: seed, stream: 3, index: UInt64(index))
        let surname = rng.pick(surnames)
        let given = rng.pick(givenNames)
        let local: String
        switch rng.int(0...3) {
        case 0: local = "\(given.1).\(surname.1)\(rng.int(70...99))"
        case 1: local = "\(surname.1)\(given.1)\(rng.int(1...999))"
        case 2: local = "\(given.1)_\(rng.base36(3))"
        default: local = "\(surname.1).\(given.1)"
        }
        let domain = rng.pick([
            "naver.com", "naver.com", "gmail.com", "gmail.com", "kakao.com", "daum.net", "hanmail.net",
        ])
        let signup = before.nanoseconds - rng.int(DataSetGenerator.hour...400 * DataSetGenerator.day)
        return GeneratedUser(
            id: "c" + "m\(rng.base36(1))" + rng.base36(22),
            email: "\(local)\(index)@\(domain)",
            name: surname.0 + given.0,
            phone: "010\(rng.int(1000...9999))\(rng.int(1000...9999))",
            createdAt: Timestamp(nanoseconds: signup, fractionDigits: 3))
    }

    /// Korean surnames with a romanization for email addresses.
    static let surnames: [(String, String)] = [
        ("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi"), ("정", "jung"), ("강", "kang"),
        ("조", "cho"), ("윤", "yoon"), ("장", "jang"), ("임", "lim"), ("한", "han"), ("오", "oh"),
        ("서", "seo"), ("신", "shin"), ("권", "kwon"), ("황", "hwang"), ("안", "ahn"), ("송", "song"),
    ]
    /// Korean given names with a romanization for email addresses.
    static let givenNames: [(String, String)] = [
        ("민준", "minjun"), ("서연", "seoyeon"), ("지호", "jiho"), ("하은", "haeun"), ("도윤", "doyoon"),
        ("지우", "jiwoo"), ("서준", "seojun"), ("수아", "sua"), ("예준", "yejun"), ("지민", "jimin"),
        ("현우", "hyunwoo"), ("채원", "chaewon"), ("준서", "junseo"), ("다은", "daeun"), ("건우", "gunwoo"),
        ("유진", "yujin"), ("우진", "woojin"), ("소윤", "soyoon"), ("민서", "minseo"), ("태윤", "taeyoon"),
    ]
}
