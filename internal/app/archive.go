package app

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"

	"github.com/sohoa/sohoa/internal/access"
	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/archive"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/exchange"
	"github.com/sohoa/sohoa/internal/pdfa"
)

// pdfFunc returns a document's stored PDF/A, building it when an older
// record has none.
func pdfFunc(cat *catalog.Catalog) archive.PDFFunc {
	return func(ctx context.Context, id domain.DocumentID) ([]byte, error) {
		b, err := cat.GetPDF(ctx, id)
		if errors.Is(err, catalog.ErrNotFound) {
			return pdfa.FromCatalog(ctx, cat, id)
		}
		return b, err
	}
}

// archiveRoutes mounts the searchable PDF, archive packages and the partner
// exchange API. The exchange routes check partner tokens themselves.
func archiveRoutes(core *Core, feed *exchange.Feed, log *slog.Logger) ([]api.Route, error) {
	partners := &exchange.Config{}
	if f := core.Config.ExchangePartnersFile; f != "" {
		var err error
		if partners, err = exchange.LoadConfig(f); err != nil {
			return nil, err
		}
	}
	signer, err := exchange.LoadOrCreateKey(filepath.Join(core.Config.DataDir, "exchange", "signing.key"))
	if err != nil {
		return nil, err
	}
	aud := auditor{core.Audit}
	ah := &archive.Handlers{Exporter: archive.New(core.Catalog, pdfFunc(core.Catalog)), Audit: aud, Log: log}
	ex := exchange.NewServer(exchange.Deps{Partners: partners, Feed: feed, Records: core.Catalog, Signer: signer, Audit: aud, Log: log})
	return []api.Route{
		{Pattern: "GET /api/v1/documents/{id}/pdf", Role: access.Needs(access.PDF), Handler: ah.PDF()},
		{Pattern: "GET /api/v1/batches/{id}/export", Role: access.Needs(access.BatchExport), Handler: ah.Batch()},
		{Pattern: "POST /api/v1/exports", Role: access.Needs(access.DossierExport), Handler: ah.Dossier()},
		{Pattern: "GET /api/v1/exchange/records", Handler: ex.Records()},
		{Pattern: "GET /api/v1/exchange/public-key", Handler: ex.PublicKey()},
	}, nil
}
