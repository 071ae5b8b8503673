package jdbcstore

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"unicode/utf8"
)

// kylinKey is the fixed AES-128 key of Kylin 3.1's EncryptUtil. It is
// public (compiled into every Kylin release), so passwordEncrypted hides a
// password from a casual look at kylin.properties, nothing more.
var kylinKey = []byte("thisIsASecretKey")

// DecryptPassword decrypts a password written by Kylin 3.1's EncryptUtil
// (bin/kylin.sh org.apache.kylin.common.util.EncryptUtil PASSWORD), the
// form passwordEncrypted=true expects: base64 of AES-128-CFB with PKCS#5
// padding, Kylin's fixed key and iv as the IV
// (kylin.security.encrypt.cipher.ivSpec, "AAAAAAAAAAAAAAAA" by default).
// Kylin 2.x's ECB form is not accepted.
func DecryptPassword(encrypted, iv string) (string, error) {
	ct, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return "", fmt.Errorf("%w: not base64 (%v); encrypt it with Kylin's EncryptUtil or set passwordEncrypted=false", errNoPassword, err)
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return "", fmt.Errorf("%w: %d bytes, not a whole number of AES blocks", errNoPassword, len(ct))
	}
	block, err := newCipher(iv)
	if err != nil {
		return "", err
	}
	pt := cfb(block, []byte(iv), ct, false)
	n := int(pt[len(pt)-1])
	if n < 1 || n > aes.BlockSize || !bytes.Equal(pt[len(pt)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return "", fmt.Errorf("%w: the padding does not check out (another key or IV?); check %s", errNoPassword, keyEncryptIV)
	}
	pt = pt[:len(pt)-n]
	if !utf8.Valid(pt) {
		return "", fmt.Errorf("%w: the result is not UTF-8 (another key or IV?); check %s", errNoPassword, keyEncryptIV)
	}
	return string(pt), nil
}

// EncryptPassword is EncryptUtil.encrypt: the text to put in the metadata
// URL with passwordEncrypted=true.
func EncryptPassword(password, iv string) (string, error) {
	block, err := newCipher(iv)
	if err != nil {
		return "", err
	}
	n := aes.BlockSize - len(password)%aes.BlockSize
	pt := append([]byte(password), bytes.Repeat([]byte{byte(n)}, n)...)
	return base64.StdEncoding.EncodeToString(cfb(block, []byte(iv), pt, true)), nil
}

func newCipher(iv string) (cipher.Block, error) {
	if len(iv) != aes.BlockSize {
		return nil, fmt.Errorf("jdbcstore: %s is %d bytes: AES needs exactly 16", keyEncryptIV, len(iv))
	}
	return aes.NewCipher(kylinKey)
}

// cfb runs full-block CFB (Java's "AES/CFB", 128-bit segments) over in,
// whose length is a multiple of the block size.
func cfb(block cipher.Block, iv, in []byte, encrypt bool) []byte {
	out := make([]byte, len(in))
	prev := append([]byte(nil), iv...)
	stream := make([]byte, aes.BlockSize)
	for i := 0; i < len(in); i += aes.BlockSize {
		block.Encrypt(stream, prev)
		for j := range aes.BlockSize {
			out[i+j] = in[i+j] ^ stream[j]
		}
		if encrypt {
			prev = out[i : i+aes.BlockSize]
		} else {
			prev = in[i : i+aes.BlockSize]
		}
	}
	return out
}
