// Package c2c is the domain of the c2c service: the actors of city-to-city
// cooperation (cities, regions, organisations), the exchanges and memberships
// that link them, the country reference with its Global South classifications,
// validation, filters, and the Store interface that every storage backend
// implements.
//
// It imports nothing else of this module. Stores, the GraphQL layer and the
// importer depend on it; it depends on none of them.
package c2c
