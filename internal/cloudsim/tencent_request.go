package cloudsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// This file reads the request forms the Tencent Cloud API gateway accepts,
// whatever the action: signature v3 (TC3-HMAC-SHA256) over a POST JSON body
// or a GET query string, and signature v1 (HmacSHA1 or HmacSHA256 over the
// sorted parameters) over a POST form body or a GET query string. Every form
// ends in the same authenticated call, so an action registered with
// tencentAPI.register is served in all of them without code of its own.

// tencentMaxBody bounds what is read of a request body (TC3 allows 10 MB).
const tencentMaxBody = 10 << 20

// v1CommonParams are the common parameters of signature v1; the rest of a
// v1 request's parameters are the action's. The SDKs leave them out of a
// TC3 GET query; should one be there, it is not taken for an action's.
var v1CommonParams = map[string]bool{
	"Action": true, "Version": true, "Region": true, "Timestamp": true, "Nonce": true,
	"SecretId": true, "Signature": true, "SignatureMethod": true, "Token": true,
	"Language": true, "RequestClient": true,
}

// tencentRequest is a request read in any accepted form, not yet
// authenticated.
type tencentRequest struct {
	action, version, region string
	secretID, token         string
	timestamp               string            // as sent, parsed by the caller
	scopeService            string            // TC3: the service its credential scope names
	body                    []byte            // POST JSON body (TC3)
	flat                    map[string]string // GET and v1: flattened action parameters
	// verify reports whether the request's signature is right for secretKey.
	verify func(secretKey string, ts int64) bool
}

// readTencentRequest reads r in whichever form it is, checking its shape in
// the gateway's order. A request with X-TC-Action or a TC3 Authorization
// header is signature v3; anything else sent here is signature v1.
func readTencentRequest(r *http.Request) (*tencentRequest, *tencentError) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, errorf("UnsupportedProtocol", "The HTTP method %s is not supported; only GET and POST are.", r.Method)
	}
	body, err := readBody(r)
	if err != nil {
		return nil, errorf("InvalidParameter", "The request body could not be read.")
	}
	if r.Header.Get("X-TC-Action") != "" || strings.HasPrefix(r.Header.Get("Authorization"), "TC3-") {
		return readTC3Request(r, body)
	}
	return readV1Request(r, body)
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	return io.ReadAll(io.LimitReader(r.Body, tencentMaxBody))
}

// readTC3Request reads a signature v3 request: common parameters in X-TC-*
// headers; action parameters in a JSON body (POST) or in the query string,
// flattened (GET), where the canonical request then holds the query and the
// hash of the empty body.
func readTC3Request(r *http.Request, body []byte) (*tencentRequest, *tencentError) {
	auth, aerr := parseTC3Authorization(r.Header.Get("Authorization"))
	if aerr != nil {
		return nil, aerr
	}
	req := &tencentRequest{
		action:       r.Header.Get("X-TC-Action"),
		version:      r.Header.Get("X-TC-Version"),
		region:       r.Header.Get("X-TC-Region"),
		token:        r.Header.Get("X-TC-Token"),
		timestamp:    r.Header.Get("X-TC-Timestamp"),
		secretID:     auth.secretID,
		scopeService: auth.service,
	}
	if r.Method == http.MethodGet {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, errorf("InvalidParameter", "The query string is not valid URL encoding.")
		}
		req.flat = actionParams(q)
	} else {
		req.body = body
	}
	hostService, onTencentHost := tencentHostService(r.Host)
	req.verify = func(secretKey string, ts int64) bool {
		// On a service's own host name the gateway signs with that
		// service; elsewhere (an IP address, a test host) it can only take
		// the scope's word for it.
		if onTencentHost && auth.service != hostService {
			return false
		}
		for _, host := range signedHostCandidates(r.Host) {
			want := tc3Signature(secretKey, r, auth, host, body, ts)
			if hmac.Equal([]byte(want), []byte(auth.signature)) {
				return true
			}
		}
		return false
	}
	return req, nil
}

// readV1Request reads a signature v1 request: every parameter, common or
// not, in the query string (GET) or a form body (POST), the nested ones
// flattened.
func readV1Request(r *http.Request, body []byte) (*tencentRequest, *tencentError) {
	raw := r.URL.RawQuery
	if r.Method == http.MethodPost {
		mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mediaType != "application/x-www-form-urlencoded" && mediaType != "" {
			return nil, errorf("UnsupportedProtocol",
				"A POST request signed with HmacSHA1 or HmacSHA256 must have an application/x-www-form-urlencoded body; JSON bodies need TC3-HMAC-SHA256.")
		}
		raw = string(body)
	}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return nil, errorf("InvalidParameter", "The request parameters are not valid URL encoding.")
	}
	all := make(map[string]string, len(values))
	for k, vs := range values {
		all[k] = vs[0]
	}
	for _, name := range []string{"Action", "Version", "SecretId", "Signature", "Timestamp", "Nonce"} {
		if all[name] == "" {
			return nil, errorf("MissingParameter", "The request is missing a required parameter `%s`.", name)
		}
	}
	method := all["SignatureMethod"]
	var newHash func() hash.Hash
	switch method {
	case "", "HmacSHA1":
		newHash = sha1.New
	case "HmacSHA256":
		newHash = sha256.New
	default:
		return nil, errorf("InvalidParameterValue", "The value of `SignatureMethod` must be HmacSHA1 or HmacSHA256, got %q.", method)
	}
	req := &tencentRequest{
		action:    all["Action"],
		version:   all["Version"],
		region:    all["Region"],
		token:     all["Token"],
		timestamp: all["Timestamp"],
		secretID:  all["SecretId"],
		flat:      actionParams(values),
	}
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	req.verify = func(secretKey string, _ int64) bool {
		got, err := base64.StdEncoding.DecodeString(all["Signature"])
		if err != nil {
			return false
		}
		for _, host := range signedHostCandidates(r.Host) {
			m := hmac.New(newHash, []byte(secretKey))
			m.Write([]byte(v1StringToSign(r.Method, host, path, all)))
			if hmac.Equal(m.Sum(nil), got) {
				return true
			}
		}
		return false
	}
	return req, nil
}

// v1StringToSign is method + host + path + "?" + every parameter but
// Signature as name=value (values as decoded, not escaped), sorted by name
// and joined with "&".
func v1StringToSign(method, host, path string, params map[string]string) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(method + host + path + "?")
	for i, k := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + params[k])
	}
	return b.String()
}

// actionParams keeps the parameters that are not common ones.
func actionParams(values url.Values) map[string]string {
	out := map[string]string{}
	for k, vs := range values {
		if !v1CommonParams[k] {
			out[k] = vs[0]
		}
	}
	return out
}

// signedHostCandidates lists the host names a client may have signed for a
// request that arrived with Host: the Go SDK signs the Host it sends (with
// any port), the Node.js SDK signs the name without the port. The real API
// never sees a port, so both are accepted.
func signedHostCandidates(host string) []string {
	host = strings.ToLower(host)
	if i := strings.LastIndexByte(host, ':'); i > strings.LastIndexByte(host, ']') {
		return []string{host, host[:i]}
	}
	return []string{host}
}

// tencentHostService returns the service a Tencent API host name serves
// (cloudaudit.tencentcloudapi.com, csip.intl.tencentcloudapi.com,
// sts.ap-guangzhou.tencentcloudapi.com); ok is false for any other host,
// such as an IP address.
func tencentHostService(host string) (service string, ok bool) {
	cands := signedHostCandidates(host)
	name := cands[len(cands)-1]
	rest, found := strings.CutSuffix(name, ".tencentcloudapi.com")
	if !found || rest == "" {
		return "", false
	}
	service, _, _ = strings.Cut(rest, ".")
	return service, true
}

// resolveAction finds the action a request names. On a Tencent API host the
// host names the service. Elsewhere the action and version alone decide, the
// scope's service breaking a tie, so that clients which derive the scope from
// the endpoint (an IP address gives "127") still reach their action.
func (t *tencentAPI) resolveAction(host, scopeService, name, version string) (string, tencentAction, *tencentError) {
	if service, ok := tencentHostService(host); ok {
		a, found := t.actions[service+"/"+name]
		if !found {
			return "", a, errorf("InvalidAction", "The requested action `%s` does not exist for service `%s`.", name, service)
		}
		if version != a.version {
			return "", a, errorf("NoSuchVersion", "The API version `%s` of `%s` does not exist.", version, name)
		}
		return service, a, nil
	}
	if a, found := t.actions[scopeService+"/"+name]; found && scopeService != "" {
		if version != a.version {
			return "", a, errorf("NoSuchVersion", "The API version `%s` of `%s` does not exist.", version, name)
		}
		return scopeService, a, nil
	}
	var services []string
	named := false
	for key, a := range t.actions {
		service, action, _ := strings.Cut(key, "/")
		if action != name {
			continue
		}
		named = true
		if a.version == version {
			services = append(services, service)
		}
	}
	switch {
	case len(services) == 1:
		return services[0], t.actions[services[0]+"/"+name], nil
	case len(services) > 1:
		sort.Strings(services)
		return "", tencentAction{}, errorf("InvalidAction",
			"The action `%s` of version `%s` exists in services %s; send it to the service's host name.", name, version, strings.Join(services, ", "))
	case named:
		return "", tencentAction{}, errorf("NoSuchVersion", "The API version `%s` of `%s` does not exist.", version, name)
	}
	return "", tencentAction{}, errorf("InvalidAction", "The requested action `%s` does not exist.", name)
}

// isTencentRequest reports whether r is shaped like a Tencent Cloud API
// request: TC3 headers, or signature v1 parameters (a SecretId, or Nonce,
// Timestamp or SignatureMethod without UCloud's PublicKey). Such a request
// is answered in Tencent's envelope even when it is wrong; anything else
// goes to the UCloud half. A POST body is read for this and put back.
func isTencentRequest(r *http.Request) bool {
	if r.Header.Get("X-TC-Action") != "" || strings.HasPrefix(r.Header.Get("Authorization"), "TC3-") {
		return true
	}
	if v1Shaped(r.URL.RawQuery) {
		return true
	}
	if r.Method != http.MethodPost || r.Body == nil {
		return false
	}
	// Whatever its Content-Type says: a form body sent as JSON is still a
	// Tencent request (refused as such), and a JSON body never looks v1.
	return v1Shaped(string(peekBody(r)))
}

// v1Shaped looks only at the names of URL-encoded parameters.
func v1Shaped(encoded string) bool {
	var secretID, publicKey, v1Only bool
	for encoded != "" {
		var pair string
		pair, encoded, _ = strings.Cut(encoded, "&")
		name, _, _ := strings.Cut(pair, "=")
		if strings.ContainsAny(name, "%+") {
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
		}
		switch name {
		case "SecretId":
			secretID = true
		case "PublicKey":
			publicKey = true
		case "Nonce", "Timestamp", "SignatureMethod":
			v1Only = true
		}
	}
	return secretID || (v1Only && !publicKey)
}

// peekBody returns r's body and puts it back to be read again.
func peekBody(r *http.Request) []byte {
	body, _ := io.ReadAll(io.LimitReader(r.Body, tencentMaxBody))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
	return body
}

// tencentRequestAction is the action a Tencent request names, in whichever
// form it came, without consuming its body.
func tencentRequestAction(r *http.Request) string {
	if a := r.Header.Get("X-TC-Action"); a != "" {
		return a
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	if r.Method != http.MethodPost || r.Body == nil {
		return ""
	}
	values, _ := url.ParseQuery(string(peekBody(r)))
	return values.Get("Action")
}

// formMark starts every value decoded from a flattened (form or query)
// parameter, so that params.get converts the text to the type the action
// asks for, as the gateway does, while values of a JSON body must have the
// right JSON type. JSON bodies holding the mark are refused (parseParams).
const formMark = "\x00"

// unflattenParams turns flattened parameters (Filter.Limit=10,
// Filter.Filters.0.Name=x, MemberId.0=m) into the JSON object the same
// request sends as a TC3 POST body, with marked text leaves: a node whose
// keys are 0..n-1 is a list.
func unflattenParams(flat map[string]string) (params, *tencentError) {
	root := map[string]any{}
	names := make([]string, 0, len(flat))
	for k := range flat {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		parts := strings.Split(name, ".")
		node := root
		for i, part := range parts {
			if part == "" {
				return params{}, errorf("InvalidParameter", "The parameter name `%s` is not valid.", name)
			}
			prefix := strings.Join(parts[:i+1], ".")
			if i == len(parts)-1 {
				if _, taken := node[part]; taken {
					return params{}, errorf("InvalidParameter", "The parameter `%s` is given both as a value and as a list or object.", prefix)
				}
				node[part] = formMark + flat[name]
				break
			}
			next, ok := node[part].(map[string]any)
			if !ok {
				if _, taken := node[part]; taken {
					return params{}, errorf("InvalidParameter", "The parameter `%s` is given both as a value and as a list or object.", prefix)
				}
				next = map[string]any{}
				node[part] = next
			}
			node = next
		}
	}
	p := params{raw: make(map[string]json.RawMessage, len(root))}
	for k, v := range root {
		tree, err := listify(v, k)
		if err != nil {
			return params{}, err
		}
		p.raw[k], _ = json.Marshal(tree)
	}
	return p, nil
}

// listify turns objects whose keys are 0..n-1 into lists.
func listify(v any, path string) (any, *tencentError) {
	m, ok := v.(map[string]any)
	if !ok {
		return v, nil
	}
	indexed := true
	for k := range m {
		if _, err := strconv.ParseUint(k, 10, 31); err != nil {
			indexed = false
			break
		}
	}
	if !indexed {
		for k, e := range m {
			conv, err := listify(e, path+"."+k)
			if err != nil {
				return nil, err
			}
			m[k] = conv
		}
		return m, nil
	}
	list := make([]any, len(m))
	for i := range list {
		e, found := m[strconv.Itoa(i)]
		if !found {
			return nil, errorf("InvalidParameter", "The list parameter `%s` must be numbered %s.0 to %s.%d without gaps.", path, path, path, len(m)-1)
		}
		conv, err := listify(e, path+"."+strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		list[i] = conv
	}
	return list, nil
}
