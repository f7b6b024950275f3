package client_test

import (
	"context"
	"fmt"
	"log"

	"github.com/sohoa/sohoa/internal/exchange"
	"github.com/sohoa/sohoa/internal/exchange/client"
)

// A tax office's nightly job: pull every new land record, verify it came
// from the archive unchanged, store it, and remember where it stopped.
func Example() {
	pub, err := client.ParsePublicKey("pinned base64 key published by the archive")
	if err != nil {
		log.Print(err)
		return
	}
	c := &client.Client{BaseURL: "https://sohoa.camau.gov.vn", Partner: "tax-camau", Token: "sohoa_partner_...", PublicKey: pub}
	n, err := c.Sync(context.Background(), client.CursorFile("/var/lib/thue/sohoa.cursor"), 500,
		func(ctx context.Context, r exchange.Record) error {
			fmt.Println(r.DocumentID, r.Fields["parcel_no"], r.Fields["map_sheet"], r.Fields["area_m2"])
			return nil // store it in the tax system, in one transaction with r.Cursor if possible
		})
	log.Printf("received %d records: %v", n, err)
}
