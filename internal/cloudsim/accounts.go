package cloudsim

// Member accounts: besides its own account (DefaultTencentOwnerUin, the
// account of the simulator's key pair), the Tencent half can serve other
// accounts, each with its own UIN, data set and CAM roles. Their data is
// read only with credentials of one of their roles: STS AssumeRole with the
// ARN of a role of account B issues a temporary key that reads B's tracking
// sets, events and call records, and GetCallerIdentity with it answers as
// B. A role whose trust policy does not name the caller's UIN is refused.
//
// The codes, from STS AssumeRole's documented error list
// (https://www.tencentcloud.com/document/product/1150/49456 and the SDKs'
// sts/v20180813/errors.go): an account the simulator does not serve is
// InvalidParameter.AccountNotAvaliable (the API's spelling), a role the
// account does not have ResourceNotFound.RoleNotFound ("the role for the
// account does not exist"), and a role whose trust policy does not name
// the caller UnauthorizedOperation. Which code a refused trust gets is not
// documented; UnauthorizedOperation is the list's code for an operation the
// caller is not allowed, and clients must quote whatever code comes.

import (
	"slices"
	"strconv"
)

// Account is a member account the simulator serves besides its own.
type Account struct {
	// Uin is the account's UIN, such as "100000000002".
	Uin string
	// Roles are the account's CAM roles by name, each with the UINs its
	// trust policy names (the accounts that may assume it).
	Roles map[string][]string
	// Data set sizes, as in Options (zero: the default; negative: none).
	Tracks, CallRecords, CloudAuditEvents int
	// Data, when set, replaces the generated records of the actions it
	// names (see Options.Data).
	Data *DataSet
}

// member is an account served besides the simulator's own: a simulator of
// its own, whose Tencent actions answer for it.
type member struct {
	acct Account
	srv  *Server
}

// newMembers builds a simulator per member account, on the same clock.
func newMembers(opts Options) map[string]*member {
	out := map[string]*member{}
	for _, a := range opts.Accounts {
		sub := New(Options{
			Tracks: a.Tracks, CallRecords: a.CallRecords, CloudAuditEvents: a.CloudAuditEvents, Data: a.Data,
			Now: opts.Now, ownerUin: a.Uin,
		})
		out[a.Uin] = &member{acct: a, srv: sub}
	}
	return out
}

// Account returns the simulator that holds the data set of member account
// uin (its CloudAuditEvents, CloudAuditTracks and so on), or nil when uin is
// not one of Options.Accounts.
func (s *Server) Account(uin string) *Server {
	if m := s.members[uin]; m != nil {
		return m.srv
	}
	return nil
}

// OwnerUin is the UIN of the account this simulator's data set belongs to.
func (s *Server) OwnerUin() string { return s.opts.ownerUin }

// memberFor returns the member account whose role a temporary key was
// issued for, or nil for the simulator's own account.
func (t *tencentAPI) memberFor(secretID string) *member {
	t.mu.Lock()
	c, ok := t.tempCreds[secretID]
	t.mu.Unlock()
	if !ok || c.roleOwner == t.srv.opts.ownerUin {
		return nil
	}
	return t.srv.members[c.roleOwner]
}

// checkMemberRole decides whether caller may assume role (a name, or an ID
// with byID) of member account uin.
func (t *tencentAPI) checkMemberRole(uin, role string, byID bool, caller string) *tencentError {
	m := t.srv.members[uin]
	if m == nil {
		return errorf("InvalidParameter.AccountNotAvaliable", "The account %s of RoleArn is not available.", uin)
	}
	var trusted []string
	found := false
	for name, uins := range m.acct.Roles {
		if name == role || byID && roleIDFor(name) == role {
			trusted, found = uins, true
		}
	}
	if !found {
		return errorf("ResourceNotFound.RoleNotFound", "The role for the account does not exist: %s has no role %s.", uin, role)
	}
	if !slices.Contains(trusted, caller) {
		return errorf("UnauthorizedOperation", "You are not authorized to assume role %s of account %s: its trust policy does not name %s.", role, uin, caller)
	}
	return nil
}

// AssumeRoleCount reports how many AssumeRole calls were answered with
// credentials for roleArn.
func (s *Server) AssumeRoleCount(roleArn string) int {
	t := s.tencent
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.assumed[roleArn]
}

// MemberAccounts are n member accounts, UINs 100000000002 and up, each
// with cloudAuditEvents events (0: the default) and a role "auditor" that
// trusts the simulator's own account: what `cloudsim -accounts N` serves.
func MemberAccounts(n, cloudAuditEvents int) []Account {
	out := make([]Account, n)
	for i := range out {
		out[i] = Account{
			Uin: strconv.FormatInt(100000000002+int64(i), 10), CloudAuditEvents: cloudAuditEvents,
			Roles: map[string][]string{"auditor": {DefaultTencentOwnerUin}},
		}
	}
	return out
}

// AssumeRoleCounts reports the AssumeRole calls answered with credentials,
// by role ARN.
func (s *Server) AssumeRoleCounts() map[string]int {
	t := s.tencent
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.assumed))
	for k, v := range t.assumed {
		out[k] = v
	}
	return out
}
