package app

import (
	"context"
	"fmt"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Operator is the actor of command-line administration: whoever can run
// `probity` against the data directory already holds the keys, so it acts as
// a firm administrator with no user id.
var Operator = domain.User{Name: "operator (command line)", Role: domain.RoleFirmAdmin}

// NewUser is the input of CreateUser.
type NewUser struct {
	Email    string
	Name     string
	Role     domain.Role
	VendorID int64
	ClientID int64
	Title    string
	TimeZone string
	Password string // may be empty: the user cannot sign in until one is set
}

// CreateUser adds a user. Only firm administrators (and the operator) may.
func (a *App) CreateUser(ctx context.Context, actor domain.User, in NewUser) (domain.User, error) {
	if err := require(actor, ManageUsers); err != nil {
		return domain.User{}, err
	}
	u := domain.User{Email: in.Email, Name: in.Name, Role: in.Role, VendorID: in.VendorID, ClientID: in.ClientID, Title: in.Title, TimeZone: in.TimeZone}
	if err := u.Validate(); err != nil {
		return domain.User{}, err
	}
	hash := ""
	if in.Password != "" {
		if err := domain.ValidatePassword(in.Password); err != nil {
			return domain.User{}, err
		}
		var err error
		if hash, err = auth.HashPassword(in.Password, a.Config.Password); err != nil {
			return domain.User{}, err
		}
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if _, _, err := tx.UserByEmail(ctx, u.Email); err == nil {
			return domain.Errorf(domain.EConflict, "a user with email %s already exists", u.Email)
		}
		s := store.Scope{All: true}
		if u.VendorID != 0 {
			if _, err := tx.Vendor(ctx, s, u.VendorID); err != nil {
				return domain.Invalid("vendor", "vendor %d does not exist", u.VendorID)
			}
		}
		if u.ClientID != 0 {
			if _, err := tx.Client(ctx, s, u.ClientID); err != nil {
				return domain.Invalid("client", "client %d does not exist", u.ClientID)
			}
		}
		if err := tx.CreateUser(ctx, &u, hash, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "user.create", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("created %s (%s) as %s", u.Name, u.Email, u.Role.Label())})
	})
	return u, err
}

// SetPassword replaces a user's password and ends all their sessions.
// Users may change their own; administrators anyone's.
func (a *App) SetPassword(ctx context.Context, actor domain.User, email, password string) error {
	email, err := domain.NormalizeEmail(email)
	if err != nil {
		return err
	}
	// Refuse someone else's account before looking it up, so the answer does
	// not tell a non-administrator whether the address has an account.
	if email != actor.Email || actor.ID == 0 {
		if err := require(actor, ManageUsers); err != nil {
			return err
		}
	}
	if err := domain.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, a.Config.Password)
	if err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		u, _, err := tx.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if u.ID != actor.ID || actor.ID == 0 {
			if err := require(actor, ManageUsers); err != nil {
				return err
			}
		}
		if err := tx.SetPassword(ctx, u.ID, hash, a.Now()); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "user.password_set", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("password of %s replaced; all their sessions ended", u.Email)})
	})
}

// Users lists users for administrators.
func (a *App) Users(ctx context.Context, actor domain.User, f store.UserFilter) ([]domain.User, error) {
	if err := require(actor, ManageUsers); err != nil {
		return nil, err
	}
	var out []domain.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListUsers(ctx, f)
		return err
	})
	return out, err
}
