package spapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Feeds API 2021-06-30 (feeds_2021-06-30.json): a feed is a document
// uploaded to a presigned URL and then submitted; Amazon processes it
// later and leaves a processing report.

// CreateFeedDocumentSpecification is createFeedDocument's body.
type CreateFeedDocumentSpecification struct {
	ContentType string `json:"contentType"`
}

// CreateFeedDocumentResponse is the new document's id and where to upload
// its contents (a presigned URL good for five minutes).
type CreateFeedDocumentResponse struct {
	FeedDocumentID string `json:"feedDocumentId"`
	URL            string `json:"url"`
}

// CreateFeedSpecification is createFeed's body.
type CreateFeedSpecification struct {
	FeedType            string   `json:"feedType"`
	MarketplaceIDs      []string `json:"marketplaceIds"`
	InputFeedDocumentID string   `json:"inputFeedDocumentId"`
}

// CreateFeedResponse is the new feed's id.
type CreateFeedResponse struct {
	FeedID string `json:"feedId"`
}

// Feed is a feed and where its processing stands (ProcessingStatus is one
// of the Feed* constants).
type Feed struct {
	FeedID               string   `json:"feedId"`
	FeedType             string   `json:"feedType"`
	MarketplaceIDs       []string `json:"marketplaceIds,omitempty"`
	CreatedTime          string   `json:"createdTime"`
	ProcessingStatus     string   `json:"processingStatus"`
	ProcessingStartTime  string   `json:"processingStartTime,omitempty"`
	ProcessingEndTime    string   `json:"processingEndTime,omitempty"`
	ResultFeedDocumentID string   `json:"resultFeedDocumentId,omitempty"`
}

// The processing statuses of a feed.
const (
	FeedCancelled  = "CANCELLED"
	FeedDone       = "DONE"
	FeedFatal      = "FATAL"
	FeedInProgress = "IN_PROGRESS"
	FeedInQueue    = "IN_QUEUE"
)

// GetFeedsResponse is one page of getFeeds.
type GetFeedsResponse struct {
	Feeds     []Feed `json:"feeds"`
	NextToken string `json:"nextToken,omitempty"`
}

// FeedDocument is where to download a document (a processing report);
// CompressionAlgorithm GZIP says it is compressed.
type FeedDocument struct {
	FeedDocumentID       string `json:"feedDocumentId"`
	URL                  string `json:"url"`
	CompressionAlgorithm string `json:"compressionAlgorithm,omitempty"`
}

const feedsPath = "/feeds/2021-06-30"

// CreateFeedDocument asks for a document to upload a feed's contents to.
func (c *Client) CreateFeedDocument(ctx context.Context, contentType string) (*CreateFeedDocumentResponse, error) {
	var out CreateFeedDocumentResponse
	err := c.do(ctx, call{op: OpCreateFeedDocument, method: http.MethodPost, path: feedsPath + "/documents",
		body: CreateFeedDocumentSpecification{ContentType: contentType}}, &out)
	if err != nil {
		return nil, err
	}
	if out.FeedDocumentID == "" || out.URL == "" {
		return nil, core.Errorf(core.Unavailable, "Amazon answered createFeedDocument without a document id or upload URL.")
	}
	return &out, nil
}

// UploadFeedDocument puts a feed's contents at the presigned URL
// createFeedDocument gave, with the content type the document was made
// for. The URL carries its own signature: no access token goes with it.
func (c *Client) UploadFeedDocument(ctx context.Context, uploadURL, contentType string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, uploadURL, bytes.NewReader(body))
	if err != nil {
		return core.Errorf(core.Internal, "Amazon's feed upload URL could not be used.")
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The URL's query is its signature: keep it out of the error.
		return &core.Error{Code: core.Unavailable, Message: "Amazon's feed upload could not be reached; sellerdesk will try again later.", Err: scrubURLError(err)}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return core.Errorf(core.Unavailable, "Amazon's feed upload answered %d; sellerdesk will try again later.", resp.StatusCode)
	}
	return nil
}

// CreateFeed submits an uploaded document as a feed and returns its id.
func (c *Client) CreateFeed(ctx context.Context, spec CreateFeedSpecification) (string, error) {
	var out CreateFeedResponse
	if err := c.do(ctx, call{op: OpCreateFeed, method: http.MethodPost, path: feedsPath + "/feeds", body: spec, once: true}, &out); err != nil {
		return "", err
	}
	if out.FeedID == "" {
		return "", core.Errorf(core.Unavailable, "Amazon answered createFeed without a feed id.")
	}
	return out.FeedID, nil
}

// GetFeed returns a feed and where its processing stands.
func (c *Client) GetFeed(ctx context.Context, feedID string) (*Feed, error) {
	if feedID == "" {
		return nil, core.FieldErrorf(core.Invalid, "feed", "Which feed? The feed id is empty.")
	}
	var out Feed
	if err := c.do(ctx, call{op: OpGetFeed, method: http.MethodGet, path: feedsPath + "/feeds/" + url.PathEscape(feedID)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetFeeds lists the feeds of a type created since a time, every page.
func (c *Client) GetFeeds(ctx context.Context, feedType string, since time.Time) ([]Feed, error) {
	q := url.Values{"feedTypes": {feedType}, "pageSize": {"100"}, "createdSince": {since.UTC().Format(time.RFC3339)}}
	var all []Feed
	for {
		var out GetFeedsResponse
		if err := c.do(ctx, call{op: OpGetFeeds, method: http.MethodGet, path: feedsPath + "/feeds", query: q}, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Feeds...)
		if out.NextToken == "" {
			return all, nil
		}
		// The model: the next token is the only parameter of the next call.
		q = url.Values{"nextToken": {out.NextToken}}
	}
}

// GetFeedDocument returns where to download a document.
func (c *Client) GetFeedDocument(ctx context.Context, documentID string) (*FeedDocument, error) {
	if documentID == "" {
		return nil, core.FieldErrorf(core.Invalid, "document", "Which feed document? The id is empty.")
	}
	var out FeedDocument
	if err := c.do(ctx, call{op: OpGetFeedDocument, method: http.MethodGet, path: feedsPath + "/documents/" + url.PathEscape(documentID)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DownloadFeedDocument reads a document (a feed's processing report),
// uncompressed, at most max bytes.
func (c *Client) DownloadFeedDocument(ctx context.Context, doc *FeedDocument, max int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, doc.URL, nil)
	if err != nil {
		return nil, core.Errorf(core.Internal, "Amazon's document URL could not be used.")
	}
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &core.Error{Code: core.Unavailable, Message: "Amazon's feed document could not be reached; sellerdesk will try again later.", Err: scrubURLError(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, core.Errorf(core.Unavailable, "Amazon's feed document answered %d; sellerdesk will try again later.", resp.StatusCode)
	}
	var r io.Reader = resp.Body
	if strings.EqualFold(doc.CompressionAlgorithm, "GZIP") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, &core.Error{Code: core.Unavailable, Message: "Amazon's feed document is not the gzip it says it is.", Err: err}
		}
		defer zr.Close()
		r = zr
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, &core.Error{Code: core.Unavailable, Message: "Amazon's feed document could not be read.", Err: err}
	}
	if int64(len(b)) > max {
		return nil, core.Errorf(core.Unavailable, "Amazon's feed document is larger than %s bytes.", strconv.FormatInt(max, 10))
	}
	return b, nil
}

// feedTime reads a feed's createdTime; zero when Amazon sent none.
func feedTime(f Feed) time.Time {
	t, err := time.Parse(time.RFC3339, f.CreatedTime)
	if err != nil {
		return time.Time{}
	}
	return t
}
