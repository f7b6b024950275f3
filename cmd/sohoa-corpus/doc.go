// Command sohoa-corpus writes a deterministic test corpus of scanned-looking
// Vietnamese records (administrative documents, Party documents, land-use
// certificates, birth extracts) with their ground truth.
//
// Usage:
//
//	sohoa-corpus -out DIR [-seed N] [-n DOCS] [-pages MIN,MAX] [-classes c1,c2]
//	             [-degrade none|light|heavy] [-dpi 300] [-formats pdf,tiff,png,jpeg]
//	             [-secret RATIO] [-rotate RATIO] [-max-skew DEG] [-color] [-fonts F1,F2]
//
// Flags:
//
//	-out      output directory (required; created if missing)
//	-seed     corpus seed (default 1); the same flags give byte-identical files
//	-n        number of documents (default 10)
//	-pages    pages per document, "N" or "MIN,MAX" (default 1,3)
//	-classes  comma-separated classes: decision, official_letter, submission,
//	          notice, report, plan, party, land_certificate, birth_extract
//	          (default all)
//	-degrade  scanner degradation: none, light or heavy (default none)
//	-dpi      resolution (default 300)
//	-formats  comma-separated: pdf, tiff, png, jpeg (default pdf)
//	-secret   share of administrative documents stamped MẬT/TỐI MẬT/TUYỆT MẬT (default 0)
//	-rotate   share of degraded pages turned by 90/180/270 degrees (default 0)
//	-max-skew largest skew in degrees for heavy degradation (default 3)
//	-color    RGB pages with red stamps (default greyscale)
//	-fonts    comma-separated families: Liberation Serif, DejaVu Serif, Noto Serif
//
// Output: one file per document and format ("doc-0001.pdf", "doc-0001.tiff",
// "doc-0001-p1.png", "doc-0001-p1.jpg"), a truth file per document and format
// ("doc-0001.pdf.json": page texts, canonical fields, personal values,
// secrecy) and index.json. See package internal/corpus for the truth format.
//
// Example, a 3-page degraded PDF for an upload test:
//
//	sohoa-corpus -out /tmp/corpus -n 1 -pages 3 -degrade light
package main
