/// The municipalities and the concerts they host, as loaded from the catalog file.
public struct Catalog: Sendable, Hashable {
    public var cities: [City]
    public var concerts: [Concert]
    /// Where the release's programme details are published (`https://www.smartcity.go.kr`).
    public var infoURL: String

    public init(cities: [City], concerts: [Concert], infoURL: String) {
        self.cities = cities
        self.concerts = concerts
        self.infoURL = infoURL
        for city in cities {
            for key in city.lookupKeys where cityIndex[key] == nil {
                cityIndex[key] = city
            }
        }
    }

    private var cityIndex: [String: City] = [:]

    /// Finds a city by id (any case), Korean short or full name, English name or alias.
    public func city(named name: String) -> City? {
        cityIndex[City.normalize(name)]
    }

    public func city(id: String) -> City? {
        cities.first { $0.id == id }
    }

    public func concert(id: String) -> Concert? {
        concerts.first { $0.id == id }
    }

    /// The concerts that the city's subscribers are reminded of, in start order.
    public func concerts(inCity cityID: String) -> [Concert] {
        concerts.filter { $0.cities.contains(cityID) }.sorted { $0.schedule.start < $1.schedule.start }
    }
}
